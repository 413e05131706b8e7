import Foundation
import Logging
import PostgresNIO

/// Webhook subscriptions as the pushers of their consumer groups.
struct SubscriptionPushers: GroupPushers {
    let logger: Logger

    private var subscriptions: SubscriptionRepository { .init(logger: logger) }

    func pusher(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> (name: String, paused: Bool)? {
        guard let name = try await subscriptions.using(group: group, on: connection) else { return nil }
        let state = try await subscriptions.find(tenantID: group.tenantID, streamID: group.streamID, name: name, on: connection)?.state
        return (name, state == .paused)
    }

    func holders(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> [String: [Int]] {
        try await DeliveryLeases.holders(of: group, logger: logger, on: connection)
    }

    func offsetsMoved(_ group: ConsumerGroup, on connection: PostgresConnection) async throws {
        try await DeliveryLeases.drop(group: group, logger: logger, on: connection)
    }
}
