import CHiredis
import Foundation

/// One hiredis connection. Every call blocks, so it is only used on `RedisClient`'s thread
/// pool, by one thread at a time (leased from the pool).
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit { redisFree(context) }

    /// Connects, authenticates and selects the database.
    static func open(_ configuration: RedisConfiguration) throws -> RedisConnection {
        let connected =
            configuration.tls
            ? redisConnectFd(try RedisTLS.connect(configuration))
            : redisConnectWithTimeout(configuration.host, Int32(configuration.port), timeval(configuration.connectTimeout))
        guard let context = connected else {
            throw RedisError.unavailable("cannot allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorText(context)
            redisFree(context)
            throw RedisError.unavailable(reason)
        }
        redisSetTimeout(context, timeval(configuration.commandTimeout))
        let connection = RedisConnection(context: context)
        if let password = configuration.password {
            let auth = configuration.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            if case .error(let message) = try connection.command(auth.map { Array($0.utf8) }) {
                throw RedisError.unavailable("authentication failed: \(message)")
            }
        }
        if configuration.database != 0 {
            if case .error(let message) = try connection.command([Array("SELECT".utf8), Array(String(configuration.database).utf8)]) {
                throw RedisError.unavailable("SELECT \(configuration.database) failed: \(message)")
            }
        }
        return connection
    }

    /// Sends one command and waits for its reply; a broken connection throws `unavailable`.
    func command(_ arguments: [[UInt8]]) throws -> RedisValue {
        let lengths = arguments.map(\.count)
        var blob = arguments.flatMap { $0 }
        blob.append(0)
        let reply: UnsafeMutableRawPointer? = blob.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(arguments.count)
            var offset = 0
            for length in lengths {
                pointers.append(base + offset)
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        guard let reply else { throw RedisError.unavailable(Self.errorText(context)) }
        defer { freeReplyObject(reply) }
        return Self.value(reply.assumingMemoryBound(to: redisReply.self))
    }

    /// The next reply the server pushes (a subscription's messages), or nil if none came
    /// within `timeoutMilliseconds`; a broken connection throws `unavailable`.
    func nextPush(timeoutMilliseconds: Int32) throws -> RedisValue? {
        if let buffered = try bufferedReply() { return buffered }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready == 0 || (ready < 0 && errno == EINTR) { return nil }
        guard ready > 0, redisBufferRead(context) == REDIS_OK else { throw RedisError.unavailable(Self.errorText(context)) }
        return try bufferedReply()
    }

    /// Keeps a long-lived connection (a subscription) checked by TCP keepalive.
    func enableKeepAlive() { _ = redisEnableKeepAlive(context) }

    private func bufferedReply() throws -> RedisValue? {
        var reply: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &reply) == REDIS_OK else { throw RedisError.unavailable(Self.errorText(context)) }
        guard let reply else { return nil }
        defer { freeReplyObject(reply) }
        return Self.value(reply.assumingMemoryBound(to: redisReply.self))
    }

    private static func value(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STATUS: return .status(String(cString: node.str))
        case REDIS_REPLY_ERROR: return .error(String(cString: node.str))
        case REDIS_REPLY_INTEGER: return .integer(node.integer)
        case REDIS_REPLY_NIL: return .bulk(nil)
        case REDIS_REPLY_STRING:
            return .bulk(Array(UnsafeRawBufferPointer(start: node.str, count: Int(node.len))))
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(node.elements)).map { value(node.element[$0]!) })
        default:
            return .error("unknown reply type \(node.type)")
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: &context.pointee.errstr) { pointer in
            String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        }
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
