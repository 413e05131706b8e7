import Foundation
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Browse cursors")
struct CursorTests {
    @Test("a cursor made is read back to the microsecond; text it could not have made is a 400, never a time PostgreSQL refuses")
    func roundTripAndRefusals() throws {
        let id = UUID()
        let time = Date(timeIntervalSince1970: 1_780_000_000.123456)
        let (read, readID) = try BrowseCursor.parse(BrowseCursor.make(time, id))
        #expect(readID == id && abs(read.timeIntervalSince(time)) < 0.000_001)
        for text in [
            "-831547060049462373_\(id.uuidString)", "253402300800000000_\(id.uuidString)", "9223372036854775807_\(id.uuidString)",
            "12_notauuid", "12", "_\(id.uuidString)",
        ] {
            #expect(throws: SluiceError.self, "\(text)") { try BrowseCursor.parse(text) }
        }
        #expect(try BrowseCursor.parse("-62135596800000000_\(id.uuidString)").1 == id, "year 1 is a time a cursor may hold")
    }
}
