//! The Relay `Node` interface.

use async_graphql::{ID, Interface};

use super::actor::Actor;
use super::case_study::CaseStudy;
use super::funder::Funder;
use super::project::Project;
use super::theme::Theme;
use crate::service::node::NodeRecord;

/// A record that can be fetched by its id alone with `node(id:)`.
#[derive(Interface, Debug, Clone)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id (a UUID)."))]
pub enum Node {
    /// A case study.
    CaseStudy(CaseStudy),
    /// A project.
    Project(Project),
    /// An actor.
    Actor(Actor),
    /// A funder.
    Funder(Funder),
    /// A theme.
    Theme(Theme),
}

impl From<NodeRecord> for Node {
    fn from(record: NodeRecord) -> Self {
        match record {
            NodeRecord::CaseStudy(model) => Node::CaseStudy(CaseStudy(model)),
            NodeRecord::Project(model) => Node::Project(Project(model)),
            NodeRecord::Actor(model) => Node::Actor(Actor(model)),
            NodeRecord::Funder(model) => Node::Funder(Funder(model)),
            NodeRecord::Theme(model) => Node::Theme(Theme(model)),
        }
    }
}
