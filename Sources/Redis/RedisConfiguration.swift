import Foundation

/// Where Redis is and how to talk to it: `redis://[user[:password]@]host[:port][/db]`, or
/// `rediss://…` for TLS (the server's certificate checked against `caFile`, else the system's
/// roots, and its name against the host).
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    public var database: Int
    /// TLS to the server (`rediss://`).
    public var tls = false
    /// PEM certificates of the authorities that sign the server's certificate (TLS only).
    public var caFile: String?
    public var connectTimeout: Duration = .milliseconds(500)
    public var commandTimeout: Duration = .milliseconds(500)
    /// Connections, and threads running their blocking calls.
    public var poolSize = 4
    /// After a failed connection, calls fail at once for this long (doubling up to `maxBackoff`).
    public var initialBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(5)

    public init(host: String = "127.0.0.1", port: Int = 6379, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    public init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "redis" || components.scheme == "rediss",
            let host = components.host, !host.isEmpty
        else {
            throw RedisError.protocolViolation("'\(url.prefix(40))…' is not redis[s]://[user:password@]host[:port][/db]")
        }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard path.isEmpty || Int(path) != nil else { throw RedisError.protocolViolation("the database in a Redis URL is a number") }
        self.init(
            host: host,
            port: components.port ?? 6379,
            user: components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding },
            password: components.password?.removingPercentEncoding,
            database: Int(path) ?? 0
        )
        tls = components.scheme == "rediss"
    }
}
