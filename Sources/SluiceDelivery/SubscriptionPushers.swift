import Foundation
import Logging
import PostgresNIO
import SluiceCore

/// Webhook subscriptions as the pushers of their consumer groups.
package struct SubscriptionPushers: GroupPushers {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    private var subscriptions: SubscriptionRepository { .init(logger: logger) }

    package func pusher(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> (name: String, paused: Bool)? {
        guard let name = try await subscriptions.using(group: group, on: connection) else { return nil }
        let state = try await subscriptions.find(tenantID: group.tenantID, streamID: group.streamID, name: name, on: connection)?.state
        return (name, state == .paused)
    }

    package func holders(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> [String: [Int]] {
        try await DeliveryLeases.holders(of: group, logger: logger, on: connection)
    }

    package func offsetsMoved(_ group: ConsumerGroup, on connection: PostgresConnection) async throws {
        try await DeliveryLeases.drop(group: group, logger: logger, on: connection)
    }
}
