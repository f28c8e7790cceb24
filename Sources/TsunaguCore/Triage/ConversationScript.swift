/// Everything a young woman reads, and the office's hours and safety phrases: `config/script.ja.yaml`.
///
/// The operator edits it without rebuilding; `tsunagud` decodes and ``validate()``s it at start-up and
/// refuses to start, naming the file, line and problem, when it is broken. Placeholders in braces are filled
/// by the engine: `{position}`, `{wait}`, `{next_opening}`, `{contacts}`, `{hours}`.
public struct ConversationScript: Sendable, Hashable, Decodable {
    /// The first message: greeting and a short privacy notice.
    public var welcome: String
    /// Asked with the welcome: may we keep what she writes, as the notice says? Choice ids `yes` and `no`.
    public var consent: Question
    /// Reminder when she writes instead of choosing.
    public var consentReminder: String
    /// What she writes before consenting is held, sealed, to be shown to the counsellor once she agrees.
    public var firstWords: FirstWords
    /// Typed answers to the consent question (`accept`, `decline`), for phones that show no buttons and for anyone
    /// who types.
    public var consentWords: [String: [String]]
    /// When she declines: nothing is kept; she can come back any time.
    public var consentDeclined: String
    /// Someone who talked with us before starts a new consultation.
    public var returning: String
    public var topic: Question
    public var urgency: Question
    /// A gentle nudge when she writes instead of tapping a choice (the choices are shown again).
    public var choosePrompt: String
    /// Queued during office hours: `{position}` and `{wait}`.
    public var queued: String
    /// Queued outside office hours: `{next_opening}` and `{contacts}`.
    public var outOfHours: String
    /// Out of hours, after a safety reply: when a counsellor will read it (`{next_opening}`), without the list again.
    public var outOfHoursAfterSafety: String
    /// Her first message while she waits (later ones are only recorded).
    public var stillWaiting: String
    /// A counsellor has taken her case.
    public var handoff: String
    /// Sent when the counsellor closes the case, before the survey.
    public var closing: String
    public var survey: Question
    public var surveyThanks: String
    public var stop: Stop
    /// The end of a talk: what she writes after it that is only thanks or goodbye, and the polite answer.
    public var goodbye: Goodbye
    public var acknowledgements: Acknowledgements
    /// To a group or room, once, before the bot leaves: this is a one-to-one service.
    public var groupNotice: String
    public var emergency: Emergency
    public var concern: Concern
    /// The words danger detection looks for (``SafetyDetector``).
    public var safety: SafetyLexicon
    public var info: InformationMenu
    /// The opt-in announcements; without this section no item offers them.
    public var announcements: Announcements?
    /// Partners a counsellor may refer her to (ids are what `close --referral` takes).
    public var partners: [Partner]
    /// How a counsellor may close a case (ids are what `close --outcome` takes; statistics count them).
    public var outcomes: [Outcome]
    /// Reply templates counsellors send with `tsunagu reply --canned ID`; `{hours}`, `{next_opening}` and
    /// `{contacts}` are filled when sent.
    public var canned: [CannedReply]
    public var queue: QueueWording
    public var hours: Hours
    /// The menu under the chat, installed on LINE by `tsunagud rich-menu`.
    public var richMenu: RichMenu
    /// Facts only the office knows (its phone number, where the drop-ins are): `{office.KEY}` in any text she reads.
    public var office: Office
    /// The places of the drop-ins and the facilities handing out products, for the programme's records
    /// (`tsunagu record dropin --place ID`); none until the office lists them.
    public var programme: Programme?

    public struct Programme: Sendable, Hashable, Decodable {
        public var places: [Partner]
        public var facilities: [Partner]

        public init(places: [Partner] = [], facilities: [Partner] = []) { (self.places, self.facilities) = (places, facilities) }
    }

    /// A question with quick-reply choices.
    public struct Question: Sendable, Hashable, Decodable {
        public var text: String
        public var choices: [Choice]
    }

    public struct Choice: Sendable, Hashable, Decodable {
        public var id: String
        /// The button (LINE allows 20 characters).
        public var label: String
        /// For urgency choices: how the case is queued. Defaults to `normal`.
        public var priority: Priority?
    }

    /// Writing one of `words` (the whole message), or asking in so many words to delete what she wrote (one of
    /// `erasurePhrases`, as the whole request), asks her to confirm; only her confirmation destroys what she wrote.
    public struct Stop: Sendable, Hashable, Decodable {
        public var words: [String]
        public var erasurePhrases: [String]?
        /// What may follow an erasure phrase in a request (ください, ほしい, お願いします): anything else after it makes
        /// the message about something other than erasing (消しても大丈夫？, 消してって言ったのに).
        public var requestEndings: [String]?
        /// At most this many characters may come before the phrase (さっきの, これまでの, 全部).
        public var requestLead: Int?
        /// The confirmation: choices `yes` (erase and end) and `no` (carry on).
        public var confirm: Question
        /// Typed answers to the confirmation besides its labels, under `erase` and `keep`: her whole message made of
        /// them answers. Its own list, not ``ConversationScript/consentWords``: 「大丈夫です」 or 「いいです」 agree to a
        /// privacy notice but decline an offer to erase, and erasing cannot be undone, so only plain words count and
        /// anything else is read as her carrying on. Without the list, only the labels answer.
        public var confirmWords: [String: [String]]?
        /// After she chose to carry on.
        public var continued: String
        /// After erasing: what was erased, and how to delete the talk on her phone too.
        public var reply: String
    }

    /// What she is told when she sends something other than text: in every state, what happens to it (counsellors
    /// cannot see it), so she never believes a counsellor saw a photo. Stickers are only thanked, and not at all
    /// during a live talk, where the counsellor sees 「[スタンプ]」.
    public struct FirstWords: Sendable, Hashable, Decodable {
        /// How long her words are held for her answer; after this they are destroyed (and not shown if she agrees
        /// later). The welcome says so: `{hold_minutes}`.
        public var holdMinutes: Int
        /// Added to the reply when she declines and words of hers were held.
        public var dropped: String
    }

    /// After a case is closed (or during its survey), thanks and short goodbyes (ありがとうございました, おやすみ) get
    /// ``reply`` with a button to start again, and open no new case; something substantive does.
    public struct Goodbye: Sendable, Hashable, Decodable {
        /// Her whole message made of these words (up to two characters more) is a goodbye.
        public var words: [String]
        public var reply: String
        /// The button under ``reply`` that starts a new consultation.
        public var startAgain: String
    }

    public struct Acknowledgements: Sendable, Hashable, Decodable {
        public var sticker: String
        public var image: String
        /// Video, voice and files.
        public var media: String
        public var location: String
        /// How they appear in the transcript.
        public var stickerRecord: String
        public var imageRecord: String
        public var mediaRecord: String
        public var locationRecord: String
    }

    public struct Emergency: Sendable, Hashable, Decodable {
        /// Sent at once, at any hour, for danger now: `{contacts}` is the category's list (``byCategory``), those
        /// open now. Once per case.
        public var reply: String
        /// Danger again in a case already answered: one short line (the counsellor is alerted again).
        public var again: String
        /// Every contact the replies may name, each once.
        public var contacts: [Contact]
        /// Category → the ids of its contacts, most fitting first (suicide leads with listening lines, violence
        /// with 110, a minor adds 189); `general` for out of hours with no danger named. A category not listed gets
        /// every contact.
        public var byCategory: [String: [String]]

        /// The contacts for `category` (`nil`: the general list), in the script's order for it; with `now`, only
        /// those open then (Japan time).
        public func contacts(for category: String?, openAt now: Int64? = nil) -> [Contact] {
            let chosen = byCategory[category ?? "general"].map { ids in ids.compactMap { id in contacts.first { $0.id == id } } } ?? contacts
            guard let now else { return chosen }
            return chosen.filter { $0.isOpen(at: JapanTime(milliseconds: now)) }
        }
    }

    /// A risk without immediacy: a gentle safety question and one or two contacts, not the whole list.
    public struct Concern: Sendable, Hashable, Decodable {
        /// `{contacts}` is the first ``contactCount`` of the category's emergency list.
        public var reply: String
        public var contactCount: Int
        /// Her whole answer to the reply's safety question made of these words (「いいえ」「安全じゃない」) says she is
        /// not safe now: danger now, answered as an emergency. Her next message only; without the list, none.
        public var unsafeAnswers: [String]?
    }

    public struct Contact: Sendable, Hashable, Decodable {
        /// How ``Emergency/byCategory`` names it.
        public var id: String
        public var name: String
        public var number: String
        /// Hours, cost, channel: what she needs to know before she calls.
        public var note: String?
        /// How she reaches it: `phone`, `chat`, `text` (or an app for text): someone writing may not be able to call.
        public var channel: String
        /// Who it is for: `all`, or `under18` (offered only where a minor's danger is named).
        public var audience: String
        /// When it answers (`HH:mm-HH:mm`, Japan time); absent: at any hour. Only open contacts are offered.
        public var open: String?
        /// The days it answers (`mon` … `sun`), national holidays excepted, as 平日 services keep them; absent: every
        /// day, holidays included.
        public var days: [String]?

        /// Whether it answers at `time`. A slot past midnight (22:00-02:00) belongs to the day it starts on.
        public func isOpen(at time: JapanTime) -> Bool {
            guard let open else { return true }
            let parts = open.split(separator: "-").map(String.init)
            guard parts.count == 2, let start = ConversationScript.minutes(parts[0]), let end = ConversationScript.minutes(parts[1]) else {
                return true  // Validation refuses this; never hide a contact for a typo.
            }
            func day(_ date: CivilDate) -> Bool { days.map { $0.contains(date.weekday.code) && !JapaneseHolidays.isHoliday(date) } ?? true }
            if start < end { return day(time.date) && (start..<end).contains(time.minuteOfDay) }
            return (day(time.date) && time.minuteOfDay >= start) || (day(time.date.adding(days: -1)) && time.minuteOfDay < end)
        }
    }

    /// What the bot answers itself, at any time: hours, drop-in spaces, free sanitary products, suit rental.
    public struct InformationMenu: Sendable, Hashable, Decodable {
        /// Messages that open the menu (whole message, after folding), e.g. 「メニュー」.
        public var triggers: [String]
        public var text: String
        public var items: [InformationItem]
    }

    public struct InformationItem: Sendable, Hashable, Decodable {
        public var id: String
        public var label: String
        /// `{hours}` is replaced by the office hours and the next opening, `{contacts}` by the general contacts.
        public var text: String
        /// A short message containing one of these (after folding) is answered with this item in any state, first
        /// message included: 生理用品ほしい, 居場所いつ？ A longer message is a consultation and goes on as usual.
        public var triggers: [String]?
        /// A button under the text that asks a counsellor for this service (a suit), rather than a consultation.
        public var request: ServiceRequest?
        /// A button under the text to receive the programme's announcements (or to stop them, once she does).
        public var announce: Bool?
    }

    /// The programme's announcements (the drop-in schedule, events), pushed only to those who asked for them.
    public struct Announcements: Sendable, Hashable, Decodable {
        /// The buttons (at most 20 characters each).
        public var subscribe: String
        public var unsubscribe: String
        /// What she reads when she starts or stops receiving them.
        public var subscribed: String
        public var unsubscribed: String
        /// A whole message that stops them (after folding), e.g. 「お知らせ停止」.
        public var stopWords: [String]
    }

    /// A request for one of the programme's services: it reaches a counsellor as a request, without the triage.
    public struct ServiceRequest: Sendable, Hashable, Decodable {
        /// The button (at most 20 characters).
        public var label: String
        /// Recorded in the case in place of her words, so the counsellor sees what she asked for.
        public var record: String
        /// Sent when the request is queued; the queue's wording (her position, or when the office opens) follows.
        public var reply: String
    }

    /// The rich menu: an image (a file beside the script) and its tappable areas, each a postback the engine knows.
    public struct RichMenu: Sendable, Hashable, Decodable {
        public struct Area: Sendable, Hashable, Decodable {
            public var x: Int, y: Int, width: Int, height: Int
            /// Drawn on the image, and LINE's label for the action (at most 20 characters).
            public var label: String
            /// The postback data: `start:…`, `info:menu` or `info:ID`.
            public var data: String
            /// Shown as her message when she taps.
            public var displayText: String
        }

        public var image: String
        public var chatBarText: String
        public var width: Int
        public var height: Int
        public var areas: [Area]
    }

    /// Facts only the office can give. An empty value is unset: start-up and `tsunagud check-script` warn, and she
    /// reads ``unset`` in its place, never a made-up fact.
    public struct Office: Sendable, Hashable, Decodable {
        public var unset: String
        public var values: [String: String]

        /// The keys still to be filled in, sorted.
        public var unsetKeys: [String] { values.filter { $0.value.isBlank }.map(\.key).sorted() }

        /// `text` with every `{office.KEY}` filled in.
        public func fill(_ text: String) -> String {
            guard text.contains("{office.") else { return text }
            var result = text
            for (key, value) in values { result = result.replacing("{office.\(key)}", with: value.isBlank ? unset : value) }
            return result
        }
    }

    public struct Partner: Sendable, Hashable, Decodable {
        public var id: String
        public var name: String

        public init(id: String, name: String) { (self.id, self.name) = (id, name) }
    }

    public struct Outcome: Sendable, Hashable, Decodable {
        public var id: String
        /// What the counsellor reads when choosing.
        public var label: String
    }

    public struct CannedReply: Sendable, Hashable, Decodable {
        public var id: String
        public var text: String
    }

    /// How the wait is put into words, from the number of cases ahead of her.
    public struct QueueWording: Sendable, Hashable, Decodable {
        /// The honest average of minutes a counsellor spends before taking the next case.
        public var minutesPerCase: Int
        public var counsellorsOnShift: Int
        /// `{minutes}` / `{hours}`.
        public var waitSoon: String
        public var waitMinutes: String
        public var waitHours: String
        /// When the estimate runs past today's closing: `{closing}` and `{next_opening}`, never a promise for today.
        public var waitPastClosing: String
        /// To a queued woman who writes while the office is closed: when a counsellor will read it.
        public var stillWaitingClosed: String
        /// Pushed to a woman still waiting when the office closes for the day: `{next_opening}`.
        public var officeClosed: String
        /// Added to the first reply out of hours (the welcome, or the greeting of a returning woman), so she knows at
        /// once: `{next_opening}`.
        public var closedNow: String
    }

    /// The office's schedule as the YAML writes it; see ``officeHours``.
    public struct Hours: Sendable, Hashable, Decodable {
        public struct Slot: Sendable, Hashable, Decodable {
            /// `mon` … `sun`.
            public var days: [String]
            /// For monthly slots: 1–5, or -1 for the last such weekday.
            public var week: Int?
            /// `HH:mm`; `to` may be earlier than `from` (the slot runs past midnight).
            public var from: String
            public var to: String
        }

        public var slots: [Slot]
        public var closedOnHolidays: Bool
        /// `yyyy-MM-dd`.
        public var closedDates: [String]
        /// `MM-dd` to `MM-dd`, e.g. 12-29 to 01-03.
        public var yearEndBreak: [String]?
        /// How the hours read in messages (the `{hours}` placeholder).
        public var summary: String
    }
}

/// How soon a queued case should be taken.
public enum Priority: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Emergency wording was detected: before everyone else.
    case emergency
    /// She asked to talk as soon as possible.
    case urgent
    case normal

    /// The order the queue is served in.
    public static let queueOrder: [Priority] = [.emergency, .urgent, .normal]

    public var rank: Int {
        switch self {
        case .emergency: 0
        case .urgent: 1
        case .normal: 2
        }
    }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}
