import Foundation
import HTTPTypes
import Hummingbird
import SluiceCore

/// The RFC 9457 body, as sent.
struct Problem: Codable, Sendable {
    static let typeBase = "https://sluice.dev/problems/"

    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var requestId: String?
    var errors: [SluiceError.FieldError]?
    var quarantineId: String?

    init(_ error: SluiceError, instance: String?, requestID: String?) {
        self.type = Self.typeBase + error.kind.rawValue
        self.title = error.title
        self.status = Int(error.status.code)
        self.detail = error.detail
        self.instance = instance
        self.requestId = requestID
        self.errors = error.fieldErrors.isEmpty ? nil : error.fieldErrors
        self.quarantineId = error.quarantineID
    }
}

extension SluiceError {
    /// The problem+json response for this error.
    func response(instance: String?, requestID: String?) -> Response {
        let problem = Problem(self, instance: instance, requestID: requestID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
