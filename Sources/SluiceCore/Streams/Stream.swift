import Foundation

/// A named, partitioned, retained sequence of events in one tenant.
public struct Stream: Sendable, Equatable {
    public enum SchemaMode: String, Sendable, CaseIterable {
        /// Stored unchecked.
        case off
        /// Invalid events are stored, flagged with their errors.
        case warn
        /// Invalid events are rejected into the quarantine.
        case enforce
    }

    /// Confluent Schema Registry's compatibility modes.
    public enum Compatibility: String, Sendable, CaseIterable {
        case none = "NONE"
        case backward = "BACKWARD"
        case backwardTransitive = "BACKWARD_TRANSITIVE"
        case forward = "FORWARD"
        case forwardTransitive = "FORWARD_TRANSITIVE"
        case full = "FULL"
        case fullTransitive = "FULL_TRANSITIVE"
    }

    public var tenantID: UUID
    public var id: UUID
    public var name: String
    public var description: String
    public var partitions: Int
    public var retentionSeconds: Int
    public var dedupeWindowSeconds: Int
    public var schemaMode: SchemaMode
    public var compatibility: Compatibility
    public var createdAt: Date
    public var updatedAt: Date
    /// Per partition, the offset the next event will get.
    public var nextOffsets: [Int64]
    /// How far behind the latest event time an event may come and still be counted in the
    /// rollups (the watermark is the latest event time minus this).
    public var allowedLatenessSeconds = Stream.defaultAllowedLatenessSeconds
    /// Extra rollup dimensions: a name → a JSON pointer into the events' data.
    public var dimensions: [String: String] = [:]

    public static let maxPartitions = InputBounds.partitions.max
    public static let defaultRetentionSeconds = 7 * 24 * 3600
    public static let retentionRange = 3600...(90 * 24 * 3600)
    public static let defaultDedupeWindowSeconds = 24 * 3600
    public static let dedupeWindowRange = 60...(7 * 24 * 3600)
    public static let defaultAllowedLatenessSeconds = 3600
    public static let allowedLatenessRange = 0...(7 * 24 * 3600)
    public static let maxDimensions = 3
}
