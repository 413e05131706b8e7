import Foundation
import NIOCore
import NIOPosix

/// Starts the command. Unless `SLUICE_EXECUTOR=default`, Swift Concurrency's jobs run on
/// NIO's event loop threads (the same singleton group that serves HTTP and PostgreSQL) rather
/// than on a pool of their own: a request's handler, its database call and its reply then
/// mostly stay on one thread instead of hopping between the two pools at every `await`. Every
/// blocking call (argon2, hiredis, getaddrinfo) already runs on a bounded thread pool of its
/// own, never on the executor, so no event loop is held up by one.
@main
enum Entry {
    static func main() async {
        if ProcessInfo.processInfo.environment["SLUICE_EXECUTOR"] != "default" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await Sluice.main()
    }
}
