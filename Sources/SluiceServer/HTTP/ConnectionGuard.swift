import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// Keeps one caller from holding the server's connections: a connection must deliver a
/// request's headers within `headerTimeout` of opening (or of its previous response) and the
/// whole request within `requestTimeout` of its headers, and at most `maxConnections` are open
/// at once (more are closed as they come). What a handler takes to answer (a long poll, a live
/// feed) is not counted; silence between requests is Hummingbird's idle timeout.
struct ConnectionLimits: Sendable {
    var headerTimeout: TimeAmount = .seconds(10)
    var requestTimeout: TimeAmount = .seconds(60)
    var idleTimeout: TimeAmount = .seconds(75)
    var maxConnections = 4096
}

/// The connections open now, shared by every channel of a server.
final class OpenConnections: Sendable {
    private let count = NIOLockedValueBox(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts one more, unless the limit is reached.
    func admit() -> Bool {
        count.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { count.withLockedValue { $0 -= 1 } }

    var current: Int { count.withLockedValue { $0 } }
}

final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let open: OpenConnections
    private var admitted = false
    private var started = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, open: OpenConnections) {
        self.limits = limits
        self.open = open
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        admitted = open.admit()
        guard admitted else {
            context.close(promise: nil)
            return
        }
        arm(context, limits.headerTimeout)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if admitted {
            admitted = false
            open.release()
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        if admitted {
            admitted = false
            open.release()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, limits.requestTimeout)
        case .end: disarm()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // The next request's headers must come within the header timeout.
            arm(context, limits.headerTimeout)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
