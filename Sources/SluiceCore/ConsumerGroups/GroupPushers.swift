import Foundation
import PostgresNIO

/// What pushes a group's events somewhere else (a webhook subscription, in `Delivery/`): a
/// group is pulled or pushed, never both, so consumer groups ask this before they let a member
/// join, delete a group or move its offsets. Consumer groups depend on this protocol only; the
/// composition root hands them delivery's implementation, so the dependency points one way.
package protocol GroupPushers: Sendable {
    /// The pusher of `group`, if one: its name and whether it is paused.
    func pusher(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> (name: String, paused: Bool)?
    /// The workers holding the pushed group's partitions, with them (empty when not pushed).
    func holders(of group: ConsumerGroup, on connection: PostgresConnection) async throws -> [String: [Int]]
    /// The group's offsets moved: whoever pushes it starts again from them.
    func offsetsMoved(_ group: ConsumerGroup, on connection: PostgresConnection) async throws
}
