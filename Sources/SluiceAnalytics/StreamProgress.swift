import Foundation

/// Every partition's progress through a stream, for its watermark: the stream's watermark is
/// the earliest latest event time among the partitions still behind (their events not all
/// applied) — or, when none is, the latest of all — less the allowed lateness, and it never
/// moves back. A partition behind that has applied nothing yet holds it where it is.
struct StreamProgress {
    struct Partition: Equatable {
        var end: Int64
        var done: Int64
        var maxEventTime: Date?
        var behind: Bool { end > done }
    }

    enum Behind {
        case none
        /// A partition behind has no event time yet.
        case blocked
        case earliest(Date)

        /// The latest event time the watermark may follow while a partition whose latest
        /// applied event time is `own` (none yet: it holds the watermark) is being applied.
        func bound(own: Date?) -> Date? {
            switch self {
            case .blocked: nil
            case .earliest(let time): own.map { min($0, time) }
            case .none: own
            }
        }
    }

    var partitions: [Int: Partition] = [:]

    /// The latest event time the stream's watermark may follow, as the partitions stand.
    var bound: Date? {
        switch earliestBehind(excluding: nil) {
        case .blocked: nil
        case .earliest(let time): time
        case .none: partitions.values.compactMap(\.maxEventTime).max()
        }
    }

    func earliestBehind(excluding excluded: Int?) -> Behind {
        let behind = partitions.filter { $0.key != excluded && $0.value.behind }.values
        if behind.isEmpty { return .none }
        let times = behind.map(\.maxEventTime)
        if times.contains(where: { $0 == nil }) { return .blocked }
        return .earliest(times.compactMap { $0 }.min()!)
    }

    static func advance(_ watermark: Date?, to bound: Date?, lateness: Int) -> Date? {
        [watermark, bound?.addingTimeInterval(-TimeInterval(lateness))].compactMap { $0 }.max()
    }
}

extension StreamProgress {
    /// How far after its receipt an event's time may move the watermark.
    static let futureTolerance: TimeInterval = 300

    /// One batch of a partition, sorted: the events to apply and those later than the
    /// watermark, and where the stream stands after it.
    struct Batch: Equatable {
        var applied: [Int64] = []
        var late: [RollupStore.LateEvent] = []
        /// Applied events older than the stream's latest event time (late, but within the
        /// lateness).
        var lateApplied = 0
        /// The stream's latest event time after the batch.
        var streamMax: Date?
        /// The stream's watermark after the batch.
        var watermark: Date?
        /// The partition's latest applied event time after the batch.
        var partitionMaxEventTime: Date?
    }

    /// Sorts a partition's batch (its events from offset `next` on, in order) into applied and
    /// late, and moves the partition's progress past it. The watermark as each event finds it
    /// never moves back and is held by any other partition still behind, so that a backlog
    /// applied a partition at a time does not make the slower partitions' events late. An
    /// event stamped in the future counts, but moves the watermark no further than its receipt
    /// allows (`futureTolerance`): one bad clock must not make every event late.
    mutating func take(
        _ events: [RollupStore.PendingEvent],
        of partition: Int,
        from next: Int64,
        watermark: Date?,
        streamMax: Date?,
        lateness: Int
    ) -> Batch {
        var batch = Batch(streamMax: streamMax, watermark: watermark)
        guard let last = events.last else { return batch }
        var own = partitions[partition] ?? .init(end: last.offset + 1, done: next, maxEventTime: nil)
        let others = earliestBehind(excluding: partition)
        for event in events {
            let current = Self.advance(watermark, to: others.bound(own: own.maxEventTime), lateness: lateness)
            if let current, event.occurredAt < current {
                batch.late.append(.init(offset: event.offset, id: event.id, type: event.type, occurredAt: event.occurredAt, watermark: current))
                continue
            }
            if let max = batch.streamMax, event.occurredAt < max { batch.lateApplied += 1 }
            batch.applied.append(event.offset)
            let time = min(event.occurredAt, event.receivedAt.addingTimeInterval(Self.futureTolerance))
            own.maxEventTime = max(own.maxEventTime ?? time, time)
            batch.streamMax = max(batch.streamMax ?? time, time)
        }
        own.done = last.offset + 1
        own.end = max(own.end, own.done)
        partitions[partition] = own
        batch.watermark = Self.advance(watermark, to: bound, lateness: lateness)
        batch.partitionMaxEventTime = own.maxEventTime
        return batch
    }
}
