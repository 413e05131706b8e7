import CHiredis
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Redis over TLS for a hiredis built without it (Debian's 0.14): hiredis talks plain RESP on
/// one end of a socket pair; the other end is relayed, in this process, through a TLS
/// connection (swift-nio-ssl) to the server. No port is opened: the plain side exists only
/// as the pair's two descriptors, and closing either end (hiredis freeing its context, the
/// server or the network dropping the TLS connection) closes the other.
enum RedisTLS {
    /// A connected descriptor for `redisConnectFd`, relayed over TLS to the server: the
    /// certificate chain checked against `caFile` (else the system's roots) and the host name
    /// against the certificate. Blocks until the handshake is done or `timeout` passes; called
    /// on the client's thread pool only.
    static func connect(_ configuration: RedisConfiguration) throws -> Int32 {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        if let caFile = configuration.caFile { tls.trustRoots = .file(caFile) }
        let context = try NIOSSLContext(configuration: tls)
        // SNI and the name checked: a host name; an IP address is checked against the
        // certificate's IP addresses by the handler itself.
        let isAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
        let serverName = isAddress ? nil : configuration.host

        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw RedisError.unavailable("socketpair: \(String(cString: strerror(errno)))")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let timeout = TimeAmount(configuration.connectTimeout)
        // Waits for the handshake from the start: NIOSSL reports it once, as soon as it is done.
        let handshake = loop.makePromise(of: Void.self)
        do {
            let remote = try ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(promise: handshake))
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .wait()
            let deadline = loop.scheduleTask(in: timeout) {
                handshake.fail(RedisError.unavailable("TLS handshake with \(configuration.host) timed out"))
            }
            do {
                try handshake.futureResult.wait()
                deadline.cancel()
            } catch {
                remote.close(promise: nil)
                throw error
            }
            let local = try ClientBootstrap(group: group).withConnectedSocket(pair[1]).wait()
            try remote.eventLoop.submit { try remote.pipeline.syncOperations.addHandler(Relay(peer: local)) }.wait()
            try local.eventLoop.submit { try local.pipeline.syncOperations.addHandler(Relay(peer: remote)) }.wait()
            return pair[0]
        } catch let error as RedisError {
            handshake.fail(error)
            close(pair[0])
            close(pair[1])
            throw error
        } catch {
            handshake.fail(error)
            close(pair[0])
            close(pair[1])
            throw RedisError.unavailable("TLS to \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Completes when the TLS handshake has (user event from NIOSSL), or fails with the error.
    final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>

        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event {
                promise.succeed()
                context.pipeline.syncOperations.removeHandler(self, promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(RedisError.unavailable("the server closed the connection during the TLS handshake"))
            context.fireChannelInactive()
        }
    }

    /// Writes what one channel reads to the other; when either closes, so does the other.
    /// Replies and commands are small and one at a time per connection (hiredis waits for each
    /// reply), so the relay needs no back-pressure of its own.
    final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let peer: any Channel

        init(peer: any Channel) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
