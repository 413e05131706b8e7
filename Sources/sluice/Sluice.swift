import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SluiceCore
import SluiceServer

@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A multi-tenant event platform. Configured by SLUICE_* environment variables (see the README).",
        subcommands: [Serve.self, Worker.self, Migrate.self, AdminCommand.self, Generate.self],
        defaultSubcommand: Serve.self
    )
}

struct CommonOptions: ParsableArguments {
    @Option(help: "Log format: json (default) or text.")
    var logFormat: String = ProcessInfo.processInfo.environment["SLUICE_LOG_FORMAT"] ?? "json"

    func configuration() throws -> SluiceConfiguration {
        let format = logFormat
        LoggingSystem.bootstrap { label in
            format == "text" ? StreamLogHandler.standardError(label: label) as any LogHandler : JSONLogHandler(label: label)
        }
        do {
            return try SluiceConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    func logger(_ configuration: SluiceConfiguration) -> Logger {
        var logger = Logger(label: "sluice")
        logger.logLevel = configuration.logLevel
        return logger
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API, and run the webhook workers unless SLUICE_WORKER_CONCURRENCY is 0."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "host:port to listen on (SLUICE_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    func run() async throws {
        var configuration = try common.configuration()
        if let listen { try configuration.setListen(listen) }
        let logger = common.logger(configuration)
        let app = try await buildApplication(configuration, logger: logger)
        try await runUntilSignalled([app], configuration, logger: logger)
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the webhook worker pool alone; any number of workers share the work through partition leases."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "host:port to serve /healthz and /metrics on (SLUICE_WORKER_LISTEN; default: none).")
    var listen: String? = ProcessInfo.processInfo.environment["SLUICE_WORKER_LISTEN"]

    func run() async throws {
        let configuration = try common.configuration()
        do {
            try await runWorker(configuration, listen: listen, logger: common.logger(configuration))
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations (or revert to a version).")

    @OptionGroup var common: CommonOptions
    @Option(help: "Revert applied migrations above this version, newest first.")
    var revertTo: Int?

    func run() async throws {
        let configuration = try common.configuration()
        let directory = configuration.migrationsDirectory
        try await Admin.with(configuration, logger: common.logger(configuration)) { admin in
            if let version = revertTo {
                let reverted = try await admin.revert(to: version, directory: directory)
                print(reverted.isEmpty ? "Nothing to revert." : "Reverted: \(reverted.map(String.init).joined(separator: ", "))")
            } else {
                let applied = try await admin.migrate(directory: directory)
                print(applied.isEmpty ? "The database is up to date." : "Applied: \(applied.map(String.init).joined(separator: ", "))")
            }
        }
    }
}
