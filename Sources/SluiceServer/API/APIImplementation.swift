import Foundation
import Logging
import OpenAPIRuntime
import PostgresNIO
import Prometheus
import SluiceAPI
import SluiceAnalytics
import SluiceCore
import SluiceDatabase
import SluiceDelivery
import SluicePlatforms
import SluicePull

/// The generated `APIProtocol`, one extension a domain (`API+Auth.swift`, …). Handlers read
/// the request context through `RequestScope`, call one service, and map its result to the
/// generated types; errors are thrown as `SluiceError` and rendered by `ProblemMiddleware`.
struct APIImplementation: APIProtocol {
    let client: Database
    let logger: Logger
    let migrator: Migrator
    let auth: AuthService
    let members: MemberService
    let apiKeys: ApiKeyService
    let audit: AuditLog
    let streams: StreamService
    let reader: EventReader
    let registry: SchemaRegistry
    let webhooks: PlatformWebhooks
    let limits: RateLimits
    let metrics: PrometheusCollectorRegistry
    let quarantine: QuarantineService
    let consumerGroups: ConsumerGroupService
    let subscriptions: SubscriptionService
    let failures: FailureView
    let analytics: AnalyticsService
    let sources: PullSourceService
    /// The live feeds each tenant holds open on this server, bounded.
    let feeds: OpenFeeds

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(metrics.emitToBuffer()))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        // What it can reach now: at once while PostgreSQL is known to be down, else within 2 s.
        let status: (applied: Int, current: Bool)
        do {
            status = try await migrator.status(database: client, timeout: .seconds(2))
        } catch {
            throw SluiceError.unavailable("PostgreSQL is not reachable.")
        }
        guard status.current else { throw SluiceError.unavailable("The database schema is not current; run `sluice migrate`.") }
        return .ok(.init(body: .json(.init(status: .ready, database: "ok", migrations: status.applied))))
    }

    /// The origin of the current request, for the audit log.
    static func origin() throws -> RequestOrigin {
        let context = try RequestScope.context
        return RequestOrigin(clientIP: context.clientIP, requestID: context.requestID)
    }

    /// A path id: malformed ids are as unknown as another tenant's.
    static func uuid(_ text: String, _ what: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw SluiceError.notFound("\(what) \(text.prefix(64))") }
        return id
    }
}
