import Foundation
import Hummingbird
import TsunaguCore

/// The bodies of the staff API, both ways (see `docs/staff-api.md`).
enum StaffAPI {
    struct Me: ResponseEncodable {
        var name: String
        var role: String
    }

    struct Queue: ResponseEncodable {
        var cases: [QueueItem]
        /// Waiting cases by priority, all of them (``cases`` is cut at `limit`).
        var waiting: [String: Int]
    }

    struct Mine: ResponseEncodable {
        var cases: [CaseSummary]
        /// The most cases one counsellor may hold.
        var limit: Int
    }

    struct Choices: ResponseEncodable {
        struct Choice: Codable {
            var id: String
            var label: String
        }

        var outcomes: [Choice]
        var partners: [Choice]
    }

    struct Templates: ResponseEncodable {
        var templates: [CaseDesk.CannedReply]
    }

    struct Events: ResponseEncodable {
        var events: [StaffEvent]
        /// Pass it back as `after` to get what comes next.
        var cursor: Int64
    }

    struct Done: ResponseEncodable {
        var handle: String
        var status: String
    }

    struct Closed: ResponseEncodable {
        var handle: String
        var status: String
        var priority: Priority
        var outcome: String
        var referral: String?
    }

    struct ClaimBody: Decodable { var handle: String? }
    struct TransferBody: Decodable { var to: String? }
    struct TextBody: Decodable {
        var text: String?
        var canned: String?
    }
    struct CloseBody: Decodable {
        var outcome: String
        var referral: String?
    }

}
