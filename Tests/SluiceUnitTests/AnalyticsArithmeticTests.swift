import Foundation
import Testing

@testable import SluiceAnalytics
@testable import SluiceCore
@testable import SluiceServer

@Suite("Analytics arithmetic: buckets, segments, the watermark, partitions")
struct AnalyticsArithmeticTests {
    @Test("a range is cut into the fewest buckets: days in the middle, then hours, then 5 minutes, with no gap or overlap")
    func segments() {
        let day = AnalyticsService.floor(Date(timeIntervalSince1970: 1_780_000_000), 86_400)
        let pieces = AnalyticsService.segments(from: day.addingTimeInterval(-3 * 3600 - 600), to: day.addingTimeInterval(2 * 86_400 + 3600 + 900))
        #expect(pieces.map(\.resolution) == [300, 3600, 86_400, 3600, 300])
        #expect(pieces.first?.start == day.addingTimeInterval(-3 * 3600 - 600))
        #expect(pieces.last?.end == day.addingTimeInterval(2 * 86_400 + 3600 + 900))
        for (a, b) in zip(pieces, pieces.dropFirst()) { #expect(a.end == b.start) }
        for piece in pieces {
            #expect(piece.start.timeIntervalSince1970.truncatingRemainder(dividingBy: Double(piece.resolution)) == 0)
            #expect(piece.end.timeIntervalSince1970.truncatingRemainder(dividingBy: Double(piece.resolution)) == 0)
        }
        #expect(AnalyticsService.segments(from: day, to: day.addingTimeInterval(600)).map(\.resolution) == [300])
        #expect(AnalyticsService.segments(from: day, to: day.addingTimeInterval(86_400)).map(\.resolution) == [86_400])
    }

    @Test(
        "a batch is sorted against the watermark as each event finds it: late ones kept out, a partition behind holds it, a future stamp moves it no further than its receipt allows"
    )
    func batchSort() {
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        func event(_ offset: Int64, at occurred: Date, received: Date? = nil) -> RollupStore.PendingEvent {
            .init(offset: offset, id: UUID(), type: "post", occurredAt: occurred, receivedAt: received ?? occurred)
        }
        // Partition 1 is behind at t: it holds the watermark at t less the lateness.
        var progress = StreamProgress(partitions: [1: .init(end: 10, done: 5, maxEventTime: t)])
        let events = [event(0, at: t.addingTimeInterval(600)), event(1, at: t.addingTimeInterval(-120)), event(2, at: t.addingTimeInterval(-30))]
        let batch = progress.take(events, of: 0, from: 0, watermark: t.addingTimeInterval(-60), streamMax: t, lateness: 60)
        #expect(batch.applied == [0, 2], "120 s before the watermark is late; 30 s before the latest is within the lateness")
        #expect(batch.late.map(\.offset) == [1] && batch.late.first?.watermark == t.addingTimeInterval(-60))
        #expect(batch.lateApplied == 1)
        #expect(batch.streamMax == t.addingTimeInterval(600))
        #expect(batch.watermark == t.addingTimeInterval(-60), "held by partition 1, still behind at t")
        #expect(batch.partitionMaxEventTime == t.addingTimeInterval(600))
        #expect(progress.partitions[0] == .init(end: 3, done: 3, maxEventTime: t.addingTimeInterval(600)))

        // Nothing behind: the watermark follows the latest event time, but a stamp an hour ahead
        // of its receipt counts only `futureTolerance` ahead of it.
        var alone = StreamProgress()
        let future = alone.take([event(0, at: t.addingTimeInterval(3600), received: t)], of: 0, from: 0, watermark: nil, streamMax: nil, lateness: 0)
        #expect(future.applied == [0] && future.watermark == t.addingTimeInterval(StreamProgress.futureTolerance))
        #expect(
            alone.take([], of: 0, from: 1, watermark: t, streamMax: t, lateness: 0) == .init(streamMax: t, watermark: t),
            "an empty batch changes nothing"
        )
    }

    @Test("the watermark only moves forward: to the latest event time less the lateness, never back, and stays when nothing is known")
    func watermark() {
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        #expect(StreamProgress.advance(nil, to: nil, lateness: 60) == nil)
        #expect(StreamProgress.advance(nil, to: t, lateness: 60) == t.addingTimeInterval(-60))
        #expect(StreamProgress.advance(t, to: t.addingTimeInterval(30), lateness: 60) == t, "an event within the lateness does not pass it")
        #expect(StreamProgress.advance(t, to: t.addingTimeInterval(600), lateness: 60) == t.addingTimeInterval(540))
        #expect(StreamProgress.advance(t, to: nil, lateness: 60) == t)
        #expect(StreamProgress.advance(t, to: t.addingTimeInterval(-3600), lateness: 0) == t, "a late batch never moves it back")
    }

    @Test("a key always lands in one partition, spread over all of them; one partition takes everything")
    func partitioner() {
        let id = UUID()
        #expect(
            Partitioner.partition(key: "account-42", id: id, partitions: 16) == Partitioner.partition(key: "account-42", id: UUID(), partitions: 16)
        )
        #expect(Partitioner.partition(key: "anything", id: id, partitions: 1) == 0)
        var seen = Set<Int>()
        for index in 0..<2000 {
            let partition = Partitioner.partition(key: "k\(index)", id: id, partitions: 16)
            #expect((0..<16).contains(partition))
            seen.insert(partition)
        }
        #expect(seen.count == 16)
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: pinned, since a change would move every key.
        #expect(Partitioner.partition(key: "a", id: id, partitions: 7) == Int(UInt64(0xaf63_dc4c_8601_ec8c) % 7))
    }
}
