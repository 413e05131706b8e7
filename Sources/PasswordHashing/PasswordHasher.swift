import CArgon2
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Hashes and verifies passwords with argon2id (libargon2).
///
/// Hashing is deliberately slow and memory-hard, so every call runs on a dedicated, bounded
/// thread pool and never on an event loop or Swift's cooperative pool. The pool's size bounds
/// both the CPU and the memory (threads × `memoryKiB`) that hashing can take.
public struct PasswordHasher: Sendable {
    /// argon2id cost parameters; the defaults are OWASP's minimum recommendation.
    public struct Parameters: Sendable, Equatable {
        public var iterations: UInt32
        public var memoryKiB: UInt32
        public var lanes: UInt32

        public init(iterations: UInt32 = 2, memoryKiB: UInt32 = 19 * 1024, lanes: UInt32 = 1) {
            self.iterations = iterations
            self.memoryKiB = memoryKiB
            self.lanes = lanes
        }

        /// OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
        public static let owasp = Parameters()
    }

    public enum Error: Swift.Error, CustomStringConvertible {
        case argon2(code: Int32, message: String)

        public var description: String {
            switch self {
            case .argon2(let code, let message): "argon2 error \(code): \(message)"
            }
        }
    }

    private static let saltLength = 16
    private static let hashLength = 32

    public let parameters: Parameters
    private let threadPool: NIOThreadPool

    /// - Parameter threadPool: a started pool used only for hashing.
    public init(parameters: Parameters = .owasp, threadPool: NIOThreadPool) {
        self.parameters = parameters
        self.threadPool = threadPool
    }

    /// Returns the PHC-encoded hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password`.
    public func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        return try await threadPool.runIfActive {
            try Self.hashBlocking(password, parameters: parameters)
        }
    }

    /// Whether `password` matches the PHC-encoded `encodedHash`. A malformed hash does not match.
    public func verify(_ password: String, against encodedHash: String) async throws -> Bool {
        try await threadPool.runIfActive {
            Self.verifyBlocking(password, against: encodedHash)
        }
    }

    /// Whether `encodedHash` was made with weaker parameters than the current ones, so that a
    /// successful login should store a fresh hash.
    public func needsRehash(_ encodedHash: String) -> Bool {
        !encodedHash.hasPrefix(
            "$argon2id$v=19$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.lanes)$"
        )
    }

    static func hashBlocking(_ password: String, parameters: Parameters) throws -> String {
        var salt = [UInt8](repeating: 0, count: saltLength)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let encodedLength = argon2_encodedlen(
            parameters.iterations,
            parameters.memoryKiB,
            parameters.lanes,
            UInt32(saltLength),
            UInt32(hashLength),
            Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let password = Array(password.utf8)
        let code = password.withUnsafeBytes { passwordBytes in
            argon2id_hash_encoded(
                parameters.iterations,
                parameters.memoryKiB,
                parameters.lanes,
                passwordBytes.baseAddress,
                passwordBytes.count,
                salt,
                saltLength,
                hashLength,
                &encoded,
                encodedLength
            )
        }
        guard code == ARGON2_OK.rawValue else {
            throw Error.argon2(code: code, message: String(cString: argon2_error_message(code)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func verifyBlocking(_ password: String, against encodedHash: String) -> Bool {
        guard encodedHash.hasPrefix("$argon2id$") else { return false }
        let password = Array(password.utf8)
        let code = password.withUnsafeBytes { passwordBytes in
            argon2id_verify(encodedHash, passwordBytes.baseAddress, passwordBytes.count)
        }
        return code == ARGON2_OK.rawValue
    }
}
