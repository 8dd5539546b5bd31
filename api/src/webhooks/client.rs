//! The HTTP client deliveries go out through: HTTPS with rustls, no proxy from the
//! environment, no redirects (a redirect could lead anywhere, past the address policy), a
//! timeout per attempt, and a resolver that applies the address policy to every address a
//! name resolves to. The connection is made to the addresses that resolver returned, so a
//! name cannot resolve to a public address when checked and a private one when connected
//! (DNS rebinding).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address_policy::AddressPolicy;

/// Most bytes of an endpoint's answer read (the start of an error page, for the delivery's
/// `lastError`); the rest is dropped unread.
pub const MAX_ANSWER_BYTES: usize = 1024;

/// Why an attempt failed before an answer arrived, or the answer.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The start of the body, lossily as text.
    pub body: String,
}

/// Sends deliveries.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    policy: Arc<AddressPolicy>,
    timeout: Duration,
}

/// The addresses `host` resolves to, within `timeout` (a resolver that does not answer must
/// not hold a mutation or a delivery for ever).
async fn resolve(host: &str, timeout: Duration) -> Result<Vec<SocketAddr>, String> {
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, 0))).await {
        Ok(Ok(addresses)) => Ok(addresses.collect()),
        Ok(Err(error)) => Err(format!("{host} does not resolve: {error}")),
        Err(_) => Err(format!("{host} did not resolve in time")),
    }
}

/// Resolves names and keeps only the addresses the policy allows.
#[derive(Debug)]
struct CheckedResolver {
    policy: Arc<AddressPolicy>,
    timeout: Duration,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let timeout = self.timeout;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved = resolve(&host, timeout).await?;
            let mut refusals = Vec::new();
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match policy.check(address.ip()) {
                    Ok(()) => true,
                    Err(reason) => {
                        refusals.push(reason);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let reason = refusals
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "no address".to_owned());
                return Err(format!("{host} is refused: {reason}").into());
            }
            let addresses: Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}

impl Client {
    /// A client applying `policy`, giving each attempt `timeout`.
    pub fn new(policy: AddressPolicy, timeout: Duration) -> Result<Self, reqwest::Error> {
        let policy = Arc::new(policy);
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .pool_max_idle_per_host(1)
            .user_agent(concat!("Symbios-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(CheckedResolver {
                policy: Arc::clone(&policy),
                timeout,
            }))
            .build()?;
        Ok(Self {
            http,
            policy,
            timeout,
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// Whether `url` may be sent to: a literal address is checked here (the resolver never
    /// sees it), a name is resolved and each of its addresses checked.
    pub async fn check_url(&self, url: &url::Url) -> Result<(), String> {
        match url.host() {
            Some(url::Host::Ipv4(v4)) => self.policy.check(v4.into()),
            Some(url::Host::Ipv6(v6)) => self.policy.check(v6.into()),
            Some(url::Host::Domain(name)) => {
                let resolved = resolve(name, self.timeout).await?;
                for address in &resolved {
                    self.policy.check(address.ip())?;
                }
                if resolved.is_empty() {
                    Err(format!("{name} resolves to no address"))
                } else {
                    Ok(())
                }
            }
            None => Err("the URL has no host".to_owned()),
        }
    }

    /// POSTs `body` with `headers`; an answer of any status is `Ok`.
    pub async fn post(
        &self,
        url: &url::Url,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        // Names are checked by the resolver as they are connected to; literal addresses here.
        if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = url.host() {
            self.check_url(url).await?;
        }
        let mut request = self
            .http
            .post(url.clone())
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = request.body(body).send().await.map_err(describe)?;
        // Belt and braces: the peer actually connected to passes the policy too.
        if let Some(peer) = response.remote_addr() {
            self.policy.check(peer.ip())?;
        }
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while bytes.len() < MAX_ANSWER_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        bytes.truncate(MAX_ANSWER_BYTES);
        Ok(Answer {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// The error and its causes on one line (reqwest's own message says little: "error sending
/// request").
fn describe(error: reqwest::Error) -> String {
    let mut message = if error.is_timeout() {
        "timed out (webhooks.request_timeout_ms)".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
