import Crypto
import Foundation

/// Cross-site request forgery: every state change carries a token derived from the session's
/// own secret (a form field `_csrf`, or `X-CSRF-Token` from htmx), which another site can
/// neither read nor guess; the session cookie is `SameSite=Strict` besides. Before sign-in
/// there is no session, so the sign-in form pairs its field with a cookie of its own (double
/// submit).
public enum CSRF {
    /// The token for pages of the session whose cookie holds `secret`.
    public static func token(for secret: String) -> String {
        var input = Array("sluice-dashboard-csrf\u{0}".utf8)
        input.append(contentsOf: secret.utf8)
        return Data(SHA256.hash(data: input)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A fresh random value for the sign-in form's cookie.
    public static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `presented` is `expected`, compared without an early exit.
    public static func matches(_ presented: String?, _ expected: String) -> Bool {
        guard let presented, !expected.isEmpty else { return false }
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
