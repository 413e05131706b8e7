import Foundation
import OpenAPIRuntime

/// The types and server protocol of Sluice's HTTP API, generated at build time from
/// openapi/openapi.yaml (the contract) by swift-openapi-generator.
public enum SluiceAPIContract {
    /// Where the contract lives in the repository.
    public static let documentPath = "openapi/openapi.yaml"
    /// The document's text (YAML), embedded at build time.
    public static var document: String { String(decoding: PackageResources.openapi_yaml, as: UTF8.self) }
}

/// RFC 3339 dates as Sluice writes them: with milliseconds (event times have them), read
/// with or without fractional seconds. Use it on both ends:
/// `Configuration(dateTranscoder: SluiceDateTranscoder())`.
public struct SluiceDateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        RFC3339.format(date)
    }

    public func decode(_ text: String) throws -> Date {
        // RFC 3339's own grammar (§5.6: "T" or "t", "Z" or "z", any offset up to ±23:59);
        // Foundation's ISO 8601 style refuses some of it.
        let utf8 = Array(text.utf8.prefix(11))
        if utf8.count == 11, utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: "t"), let date = RFC3339.date(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text.prefix(64))' is not an RFC 3339 date-time."))
    }
}

extension Configuration {
    /// The configuration Sluice's server and clients share.
    public static var sluice: Configuration { Configuration(dateTranscoder: SluiceDateTranscoder()) }
}
