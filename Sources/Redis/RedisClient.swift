import Crypto
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small Redis client over hiredis: a pool of connections whose blocking calls run on a
/// bounded thread pool of their own (never an event loop or the cooperative pool), timeouts,
/// reconnection with exponential backoff (while Redis is down, calls fail at once instead of
/// each waiting for a connect timeout), ACL authentication and a database number.
/// A `Service`: run it in the ServiceGroup; it closes its connections on shutdown.
public final class RedisClient: Service, Sendable {
    public let configuration: RedisConfiguration
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let idle = Mutex<[RedisConnection]>([])
    private let health = Mutex<(downUntil: ContinuousClock.Instant?, backoff: Duration, reported: Bool)>((nil, .zero, false))

    public init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.poolSize))
        threadPool.start()
    }

    public func run() async throws {
        try? await gracefulShutdown()
        idle.withLock { $0.removeAll() }
        try await threadPool.shutdownGracefully()
    }

    /// Sends a command; an error reply throws `RedisError.reply`.
    @discardableResult
    public func send(_ arguments: [String]) async throws -> RedisValue {
        try await send(arguments.map { Array($0.utf8) })
    }

    @discardableResult
    public func send(_ arguments: [[UInt8]]) async throws -> RedisValue {
        if let downUntil = health.withLock({ $0.downUntil }), ContinuousClock.now < downUntil {
            throw RedisError.unavailable("reconnecting (backing off)")
        }
        let reply: RedisValue
        do {
            reply = try await threadPool.runIfActive { [self] in
                let connection = try idle.withLock { $0.popLast() } ?? RedisConnection.open(configuration)
                // A connection that failed is dropped here; only a working one goes back.
                let reply = try connection.command(arguments)
                idle.withLock { if $0.count < configuration.poolSize { $0.append(connection) } }
                return reply
            }
        } catch let error as RedisError {
            if case .unavailable(let reason) = error { markDown(reason) }
            throw error
        } catch is CancellationError {
            throw RedisError.unavailable("cancelled")
        } catch {
            markDown("\(error)")
            throw RedisError.unavailable("\(error)")
        }
        markUp()
        if case .error(let message) = reply { throw RedisError.reply(message) }
        return reply
    }

    /// Runs a Lua script by its SHA-1 (EVALSHA): one round trip; loaded on first use and again
    /// after a Redis restart (NOSCRIPT).
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await send(["EVALSHA", script.sha1] + tail)
        } catch RedisError.reply(let message) where message.hasPrefix("NOSCRIPT") {
            return try await send(["EVAL", script.source] + tail)
        }
    }

    private func markDown(_ reason: String) {
        let first = health.withLock { state -> Bool in
            let backoff = state.backoff == .zero ? configuration.initialBackoff : min(state.backoff * 2, configuration.maxBackoff)
            state.backoff = backoff
            state.downUntil = ContinuousClock.now + backoff
            defer { state.reported = true }
            return !state.reported
        }
        idle.withLock { $0.removeAll() }
        if first { logger.error("Redis is unavailable", metadata: ["reason": "\(reason)"]) }
    }

    private func markUp() {
        let wasDown = health.withLock { state -> Bool in
            defer { state = (nil, .zero, false) }
            return state.reported
        }
        if wasDown { logger.notice("Redis is reachable again") }
    }

    /// Whether the client is backing off after a failure.
    public var isBackingOff: Bool {
        health.withLock { $0.downUntil.map { ContinuousClock.now < $0 } ?? false }
    }
}

/// A Lua script and its SHA-1, for `EVALSHA`.
public struct RedisScript: Sendable {
    public let source: String
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
