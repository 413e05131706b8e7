import Foundation
import SluiceOutbound

/// Webhook endpoints must be http(s) URLs without credentials; unless private networks are
/// allowed, not a denied address in any spelling, nor `localhost` (refused when saved, so that
/// the obvious mistakes are told at once; `OutboundHTTPClient` decides again, on the address
/// resolved, at every request).
package enum WebhookURL {
    package static func check(_ text: String, allowPrivateNetworks: Bool) throws -> String {
        guard text.utf8.count <= 2000, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { throw SluiceError.badRequest("The endpoint must be an http or https URL of at most 2,000 characters.", pointer: "/url") }
        guard components.user == nil, components.password == nil else {
            throw SluiceError.badRequest("The endpoint URL must not carry credentials; verify the signature instead.", pointer: "/url")
        }
        if !allowPrivateNetworks, OutboundAddress.isDeniedLiteral(host: host) {
            throw SluiceError.badRequest(
                "The endpoint '\(host)' is a loopback, private or link-local address; this server does not post there.",
                pointer: "/url"
            )
        }
        return lowercasingScheme(text)
    }

    /// Schemes are case-insensitive (RFC 3986 §3.1); stored, and compared, in lower case.
    package static func lowercasingScheme(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        return text[..<colon].lowercased() + text[colon...]
    }
}
