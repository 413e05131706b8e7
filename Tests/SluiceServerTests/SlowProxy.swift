import Foundation
import Glibc

/// A TCP proxy on 127.0.0.1 that holds every chunk a client sends for `delay` before passing it
/// on: a database "far away", so that the time between two statements of one transaction is
/// long enough for another session to commit in it. Threads and blocking sockets: it runs
/// beside the code under test, never on its executors.
final class SlowProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let target: Int
    private let delay: useconds_t

    init(to target: Int, delay: Duration) throws {
        self.target = target
        self.delay = useconds_t(delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000)
        (listener, port) = try loopbackListener()
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(target).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(server)
                continue
            }
            let delay = self.delay
            Thread { Self.pipe(from: client, to: server, delay: delay) }.start()
            Thread { Self.pipe(from: server, to: client, delay: 0) }.start()
        }
    }

    private static func pipe(from source: Int32, to destination: Int32, delay: useconds_t) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            if delay > 0 { usleep(delay) }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else {
                    shutdown(source, Int32(SHUT_RDWR))
                    return
                }
                sent += written
            }
        }
        shutdown(destination, Int32(SHUT_RDWR))
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
