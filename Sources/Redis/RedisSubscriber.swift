import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One channel's messages, on a connection and a thread of its own (a subscription blocks its
/// connection). Reconnects with backoff and subscribes again by itself; `handler` hears when
/// the subscription holds (`.subscribed`), each message, and when it was lost (`.lost`:
/// messages published meanwhile are gone, so a listener must not trust what they would have
/// told it). A `Service`: it stops with the ServiceGroup.
public final class RedisSubscriber: Service, Sendable {
    public enum Event: Sendable, Equatable {
        case subscribed
        case message([UInt8])
        case lost
    }

    private let configuration: RedisConfiguration
    private let channel: String
    private let logger: Logger
    private let handler: @Sendable (Event) -> Void
    private let stopped = Atomic<Bool>(false)

    public init(configuration: RedisConfiguration, channel: String, logger: Logger, handler: @escaping @Sendable (Event) -> Void) {
        self.configuration = configuration
        self.channel = channel
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                    let thread = Thread { [self] in
                        listen()
                        finished.resume()
                    }
                    thread.name = "redis-subscriber"
                    thread.start()
                }
            } onGracefulShutdown: {
                self.stopped.store(true, ordering: .relaxed)
            }
        } onCancel: {
            self.stopped.store(true, ordering: .relaxed)
        }
    }

    private func listen() {
        var backoff = configuration.initialBackoff
        var subscribed = false
        while !stopped.load(ordering: .relaxed) {
            do {
                let connection = try RedisConnection.open(configuration)
                connection.enableKeepAlive()
                if case .error(let message) = try connection.command([Array("SUBSCRIBE".utf8), Array(channel.utf8)]) {
                    throw RedisError.reply(message)
                }
                subscribed = true
                backoff = configuration.initialBackoff
                handler(.subscribed)
                while !stopped.load(ordering: .relaxed) {
                    guard let push = try connection.nextPush(timeoutMilliseconds: 200) else { continue }
                    if let parts = push.array, parts.count == 3, parts[0].string == "message", case .bulk(let payload?) = parts[2] {
                        handler(.message(payload))
                    }
                }
            } catch {
                if subscribed {
                    subscribed = false
                    handler(.lost)
                    logger.warning("Redis subscription lost; subscribing again", metadata: ["channel": "\(channel)", "reason": "\(error)"])
                }
                var waited = Duration.zero
                while waited < backoff && !stopped.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: 0.05)
                    waited += .milliseconds(50)
                }
                backoff = min(backoff * 2, configuration.maxBackoff)
            }
        }
    }
}
