//! The Relay `Node` interface.

use async_graphql::{ID, Interface};

use crate::service::node::NodeRecord;

/// Declares the `Node` interface over the record types of [`NodeRecord`], from the same list.
macro_rules! node_interface {
    ($($variant:ident($entity:ident, $record:ident),)+) => {
        /// A record that can be fetched by its id alone with `node(id:)`.
        #[derive(Interface, Debug, Clone)]
        #[graphql(field(name = "id", ty = "ID", desc = "Global id (a UUID)."))]
        pub enum Node {
            $($variant(super::$entity::$variant),)+
        }

        impl From<NodeRecord> for Node {
            fn from(record: NodeRecord) -> Self {
                match record {
                    $(NodeRecord::$variant(row) => Node::$variant(super::$entity::$variant(row)),)+
                }
            }
        }
    };
}

symbios_service::with_node_records!(node_interface);
