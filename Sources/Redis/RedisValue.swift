/// A Redis reply.
public enum RedisValue: Sendable, Equatable {
    case status(String)
    case error(String)
    case integer(Int64)
    /// A bulk string; nil is Redis's null.
    case bulk([UInt8]?)
    /// nil is a null array.
    case array([RedisValue]?)

    public var string: String? {
        switch self {
        case .status(let text): text
        case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk(let bytes?): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    public var array: [RedisValue]? {
        if case .array(let items?) = self { items } else { nil }
    }
}

public enum RedisError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Redis cannot be reached (or the connection broke); the client backs off before retrying.
    case unavailable(String)
    /// Redis answered with an error reply (e.g. `NOSCRIPT`, `WRONGTYPE`).
    case reply(String)
    /// A reply of an unexpected shape.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "Redis is unavailable: \(reason)"
        case .reply(let message): "Redis error: \(message)"
        case .protocolViolation(let reason): "Unexpected Redis reply: \(reason)"
        }
    }
}
