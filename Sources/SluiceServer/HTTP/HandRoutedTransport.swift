import HTTPTypes
import OpenAPIRuntime

/// Registers the generated handlers on the router except the operations served by hand
/// (`IngestRoutes`): Hummingbird allows one handler per method and path.
struct HandRoutedTransport: ServerTransport {
    let base: any ServerTransport
    /// "METHOD /path/{param}" as the OpenAPI document spells them.
    let excluded: Set<String>

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard !excluded.contains("\(method.rawValue) \(path)") else { return }
        try base.register(handler, method: method, path: path)
    }
}
