import Foundation

/// A named reader of one stream, with a committed offset per partition: the next offset the
/// group reads there. Delivery is at-least-once: what was read and not committed is read again.
public struct ConsumerGroup: Sendable, Equatable {
    public enum Start: Sendable, Equatable {
        /// The oldest event the stream still keeps.
        case earliest
        /// Only events stored after the group was made.
        case latest
        /// The first event received at or after the time.
        case timestamp(Date)

        package var name: String {
            switch self {
            case .earliest: "earliest"
            case .latest: "latest"
            case .timestamp: "timestamp"
            }
        }
    }

    public var tenantID: UUID
    public var id: UUID
    public var streamID: UUID
    public var name: String
    public var start: Start
    public var createdAt: Date

    package init(tenantID: UUID, id: UUID, streamID: UUID, name: String, start: Start, createdAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.streamID = streamID
        self.name = name
        self.start = start
        self.createdAt = createdAt
    }
}

/// A group as it stands: per partition, where it is and how far behind.
public struct ConsumerGroupState: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Caught up on every partition.
        case idle
        /// Behind, and committing.
        case active
        /// Behind, and no commit for `ConsumerGroupService.stuckAfter`.
        case stuck
    }

    public struct Partition: Sendable, Equatable {
        public var partition: Int
        public var committedOffset: Int64
        public var endOffset: Int64
        public var lag: Int64 { max(0, endOffset - committedOffset) }
        /// Age of the oldest event not yet consumed; 0 when caught up.
        public var lagSeconds: Double
        public var committedAt: Date?
    }

    public var group: ConsumerGroup
    public var stream: String
    public var partitions: [Partition]
    public var state: State
    /// Live members in join order, each with its partitions.
    public var members: [Member]

    public struct Member: Sendable, Equatable {
        public var id: String
        public var partitions: [Int]
    }
}

/// Where an offset reset moves a group (Kafka's `kafka-consumer-groups --reset-offsets`).
public enum OffsetReset: Sendable, Equatable {
    case earliest
    case latest
    case offset(Int64)
    case shift(Int64)
    case datetime(Date)
    /// Back this long from now.
    case duration(TimeInterval)
}

/// One partition's move in a reset plan.
public struct OffsetMove: Sendable, Equatable {
    public var partition: Int
    public var from: Int64
    public var to: Int64
}
