use std::net::IpAddr;

use actix_web::HttpRequest;

/// The client's address for logs and limits: the peer, or — only when the peer is the
/// configured reverse proxy — the address that proxy appended to `X-Forwarded-For`.
pub fn client_ip(req: &HttpRequest, trusted_proxy: Option<IpAddr>) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    if peer.is_some() && peer == trusted_proxy {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer
}

/// The address as the audit log records it.
pub fn client_address(req: &HttpRequest, trusted_proxy: Option<IpAddr>) -> Option<String> {
    client_ip(req, trusted_proxy).map(|ip| ip.to_string())
}
