import Foundation
import Logging
import NIOConcurrencyHelpers

/// Refused attempts (a missing permission, a throttled login) written to the audit log, so that
/// a tenant's admins see what was tried. At most `perMinute` per tenant and minute in each
/// process for each kind (`access.denied`, `auth.login.throttled`), so that a flood of
/// refusals cannot fill the log; the rest are counted in the server log once a minute.
package final class RefusalAudit: Sendable {
    let audit: AuditLog
    let logger: Logger
    let perMinute: Int

    private struct Window {
        var minute = 0
        var counts: [String: Int] = [:]
        var dropped = 0
    }

    private let window = NIOLockedValueBox(Window())

    package init(audit: AuditLog, logger: Logger, perMinute: Int = 60) {
        self.audit = audit
        self.logger = logger
        self.perMinute = perMinute
    }

    package func record(_ record: AuditRecord) async {
        guard admit("\(record.tenantID) \(record.action)", at: Date()) else { return }
        do {
            try await audit.append(record)
        } catch {
            logger.warning("A refusal could not be audited", metadata: ["action": .string(record.action), "error": .string("\(error)")])
        }
    }

    func admit(_ tenant: String, at date: Date) -> Bool {
        let minute = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        let (admitted, dropped) = window.withLockedValue { window -> (Bool, Int) in
            var dropped = 0
            if window.minute != minute {
                dropped = window.dropped
                window = Window(minute: minute)
            }
            let count = window.counts[tenant, default: 0]
            guard count < perMinute else {
                window.dropped += 1
                return (false, dropped)
            }
            window.counts[tenant] = count + 1
            return (true, dropped)
        }
        if dropped > 0 { logger.notice("Refusals not audited in the last minute (over the limit per tenant)", metadata: ["count": "\(dropped)"]) }
        return admitted
    }
}
