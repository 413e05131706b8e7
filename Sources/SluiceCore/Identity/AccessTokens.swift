import Foundation
import JWTKit

/// Short-lived JWT access tokens (HS256, each signed with a key named by `kid`).
///
/// Several verification keys may be configured so that the signing key can rotate: sign
/// with the new one, keep verifying the old one until its tokens have expired.
public struct AccessTokens: Sendable {
    public struct Key: Sendable {
        public var id: String
        public var secret: [UInt8]
        public init(id: String, secret: [UInt8]) {
            self.id = id
            self.secret = secret
        }
    }

    public struct Configuration: Sendable {
        /// The verification keys; the one named by `signingKeyID` also signs.
        public var keys: [Key]
        public var signingKeyID: String
        public var lifetime: Duration = .seconds(15 * 60)
        public var issuer = "sluice"
        public var audience = "sluice-api"

        public init(keys: [Key], signingKeyID: String) {
            self.keys = keys
            self.signingKeyID = signingKeyID
        }
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var tid: String
        var role: String
        var iss: IssuerClaim
        var aud: AudienceClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var jti: IDClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    /// What a verified token says.
    public struct Verified: Sendable {
        public var userID: UUID
        public var tenantID: UUID
        public var role: Role
        public var issuedAt: Date
    }

    let configuration: Configuration
    private let keys: JWTKeyCollection

    public init(configuration: Configuration) async throws {
        guard configuration.keys.contains(where: { $0.id == configuration.signingKeyID }) else {
            throw ConfigurationError("the JWT signing key '\(configuration.signingKeyID)' is not among the configured keys")
        }
        let keys = JWTKeyCollection()
        for key in configuration.keys {
            guard key.secret.count >= 32 else {
                throw ConfigurationError("the JWT key '\(key.id)' is shorter than 32 bytes")
            }
            await keys.add(hmac: HMACKey(from: key.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.id))
        }
        self.configuration = configuration
        self.keys = keys
    }

    public var lifetimeSeconds: Int { Int(configuration.lifetime.components.seconds) }

    public func issue(userID: UUID, tenantID: UUID, role: Role, now: Date = Date()) async throws -> String {
        let claims = Claims(
            sub: .init(value: userID.lowercased),
            tid: tenantID.lowercased,
            role: role.rawValue,
            iss: .init(value: configuration.issuer),
            aud: .init(value: [configuration.audience]),
            iat: .init(value: now),
            exp: .init(value: now.addingTimeInterval(Double(lifetimeSeconds))),
            jti: .init(value: UUID().lowercased)
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: configuration.signingKeyID))
    }

    /// Verifies signature, `kid`, algorithm, expiry, issuer and audience; throws 401 otherwise.
    public func verify(_ token: String) async throws -> Verified {
        guard let header = Self.header(of: token), header.alg == "HS256",
            let kid = header.kid, configuration.keys.contains(where: { $0.id == kid })
        else {
            throw SluiceError.unauthorized("The access token is malformed or not signed by a known key.")
        }
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw SluiceError.unauthorized("The access token has expired.")
        } catch {
            throw SluiceError.unauthorized("The access token is invalid.")
        }
        guard claims.iss.value == configuration.issuer, claims.aud.value.contains(configuration.audience),
            let userID = UUID(uuidString: claims.sub.value), let tenantID = UUID(uuidString: claims.tid),
            let role = Role(rawValue: claims.role)
        else {
            throw SluiceError.unauthorized("The access token is invalid.")
        }
        return Verified(userID: userID, tenantID: tenantID, role: role, issuedAt: claims.iat.value)
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    /// The JOSE header, read before any key is chosen so that `alg: none` and unknown keys
    /// never reach a verifier.
    private static func header(of token: String) -> Header? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URLEncoded: String(parts[0])) else { return nil }
        return try? JSONDecoder().decode(Header.self, from: data)
    }
}

extension Data {
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
