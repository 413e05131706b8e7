import Crypto

/// The dashboard's browser files, compiled into the binary: each served under a path that
/// carries its digest, so a browser may keep it for a year and still never runs a stale one.
public struct DashboardAssets: Sendable {
    public struct Asset: Sendable {
        public let name: String
        public let contentType: String
        public let bytes: [UInt8]
        /// The first 16 hex digits of its SHA-256: in its path and its ETag.
        public let digest: String
        /// Where pages link it: `/dashboard/assets/<name>?v=<digest>`.
        public var path: String { "\(DashboardAssets.prefix)\(name)?v=\(digest)" }
    }

    public static let prefix = "/dashboard/assets/"

    public let byName: [String: Asset]
    /// The links a page's layout needs, by short name (`css`, `js`, `htmx`, `icon`).
    public let links: [String: String]

    public init() {
        let files: [(String, String, [UInt8])] = [
            ("dashboard.css", "text/css; charset=utf-8", PackageResources.dashboard_css),
            ("dashboard.js", "text/javascript; charset=utf-8", PackageResources.dashboard_js),
            ("htmx.min.js", "text/javascript; charset=utf-8", PackageResources.htmx_min_js),
            ("favicon.svg", "image/svg+xml", PackageResources.favicon_svg),
        ]
        var byName: [String: Asset] = [:]
        for (name, type, bytes) in files {
            let digest = SHA256.hash(data: bytes).prefix(8).map { byte in
                let hex = Array("0123456789abcdef".utf8)
                return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }.joined()
            byName[name] = Asset(name: name, contentType: type, bytes: bytes, digest: digest)
        }
        self.byName = byName
        links = ["css": "dashboard.css", "js": "dashboard.js", "htmx": "htmx.min.js", "icon": "favicon.svg"].compactMapValues { byName[$0]?.path }
    }
}
