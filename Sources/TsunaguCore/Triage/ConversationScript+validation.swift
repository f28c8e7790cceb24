/// A mistake in the conversation script: where (a path of keys and indexes into the YAML) and what.
public struct ScriptProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Keys and list indexes, e.g. `["topic", "choices", 2, "label"]` as `"topic"`, `"choices"`, `"2"`, `"label"`.
    public var path: [String]
    public var message: String

    public init(path: [String], message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path.joined(separator: ".")): \(message)" }
}

extension ConversationScript {
    /// LINE's limits for quick replies: 13 buttons, labels of 20 characters.
    static let maxChoices = 13
    static let maxLabelLength = 20

    /// Every problem found (not just the first), so one edit fixes them all.
    public func validate() -> [ScriptProblem] {
        var problems: [ScriptProblem] = []
        func require(_ condition: Bool, _ path: [String], _ message: String) {
            if !condition { problems.append(ScriptProblem(path: path, message: message)) }
        }
        let texts: [(String, String)] = [
            ("welcome", welcome), ("consentReminder", consentReminder), ("consentDeclined", consentDeclined),
            ("returning", returning), ("choosePrompt", choosePrompt), ("queued", queued), ("outOfHours", outOfHours),
            ("stillWaiting", stillWaiting), ("handoff", handoff), ("closing", closing), ("surveyThanks", surveyThanks),
            ("groupNotice", groupNotice),
        ]
        for (key, text) in texts {
            require(!text.isBlank, [key], "must not be empty")
            require(text.utf16.count <= 5_000, [key], "is longer than LINE's 5,000 characters")
        }
        let questions = [
            (["consent"], consent), (["topic"], topic), (["urgency"], urgency), (["survey"], survey), (["stop", "confirm"], stop.confirm),
        ]
        for (key, question) in questions {
            require(!question.text.isBlank, key + ["text"], "must not be empty")
            require(!question.choices.isEmpty, key + ["choices"], "needs at least one choice")
            require(question.choices.count <= Self.maxChoices, key + ["choices"], "has more than LINE's 13 quick replies")
            var seen: Set<String> = []
            for (index, choice) in question.choices.enumerated() {
                let path = key + ["choices", "\(index)"]
                require(!choice.id.isBlank && !choice.id.contains(":"), path + ["id"], "must be a word without ':'")
                require(seen.insert(choice.id).inserted, path + ["id"], "repeats the id '\(choice.id)'")
                require(!choice.label.isBlank, path + ["label"], "must not be empty")
                require(choice.label.count <= Self.maxLabelLength, path + ["label"], "is longer than LINE's 20 characters")
            }
        }
        for id in ["yes", "no"] {
            require(consent.choices.contains { $0.id == id }, ["consent", "choices"], "needs a choice with id '\(id)'")
        }
        require(!stop.words.isEmpty, ["stop", "words"], "needs at least one word, e.g. やめる")
        require(!stop.reply.isBlank, ["stop", "reply"], "must not be empty")
        require((1...1440).contains(firstWords.holdMinutes), ["firstWords", "holdMinutes"], "must be from 1 to 1440 minutes")
        require(!firstWords.dropped.isBlank, ["firstWords", "dropped"], "must not be empty")
        require(welcome.contains("{retention_days}"), ["welcome"], "must contain {retention_days}, so she is told the retention period in force")
        require(!stop.continued.isBlank, ["stop", "continued"], "must not be empty")
        require(!goodbye.words.isEmpty, ["goodbye", "words"], "needs at least one word, e.g. ありがとう")
        require(!goodbye.reply.isBlank, ["goodbye", "reply"], "must not be empty")
        require(
            !goodbye.startAgain.isBlank && goodbye.startAgain.count <= Self.maxLabelLength, ["goodbye", "startAgain"],
            "must be a label of 1 to 20 characters")
        for id in ["yes", "no"] {
            require(stop.confirm.choices.contains { $0.id == id }, ["stop", "confirm", "choices"], "needs a choice with id '\(id)'")
        }
        require(emergency.reply.contains("{contacts}"), ["emergency", "reply"], "must contain {contacts}")
        require(!emergency.contacts.isEmpty, ["emergency", "contacts"], "needs at least one contact")
        require(!emergency.again.isBlank, ["emergency", "again"], "must not be empty")
        for (index, contact) in emergency.contacts.enumerated() {
            require(
                ["phone", "chat", "text"].contains(contact.channel), ["emergency", "contacts", "\(index)", "channel"], "must be phone, chat or text")
            require(["all", "under18"].contains(contact.audience), ["emergency", "contacts", "\(index)", "audience"], "must be all or under18")
            if contact.audience == "under18" {
                for (category, ids) in emergency.byCategory where ids.contains(contact.id) && category != "minor_unsafe" {
                    problems.append(
                        ScriptProblem(path: ["emergency", "byCategory", category], message: "names \(contact.id), which is for under-18s only"))
                }
            }
            if let open = contact.open {
                let parts = open.split(separator: "-").map(String.init)
                require(
                    parts.count == 2 && parts.allSatisfy { Self.minutes($0) != nil }, ["emergency", "contacts", "\(index)", "open"],
                    "must be two times such as 16:00-21:00")
            }
            for day in contact.days ?? [] {
                require(
                    Self.weekdays[day] != nil, ["emergency", "contacts", "\(index)", "days"],
                    "'\(day)' is not one of mon, tue, wed, thu, fri, sat, sun")
            }
        }
        let contactIDs = Set(emergency.contacts.map(\.id))
        require(contactIDs.count == emergency.contacts.count, ["emergency", "contacts"], "has two contacts with one id")
        for (category, ids) in emergency.byCategory {
            require(SafetyLexicon.categories.contains(category) || category == "general", ["emergency", "byCategory", category], "is not a category")
            for id in ids { require(contactIDs.contains(id), ["emergency", "byCategory", category], "names \(id), which is not a contact") }
        }
        require(concern.reply.contains("{contacts}"), ["concern", "reply"], "must contain {contacts}")
        for key in consentWords.keys { require(key == "accept" || key == "decline", ["consentWords", key], "must be accept or decline") }
        require(
            !(consentWords["accept"] ?? []).isEmpty && !(consentWords["decline"] ?? []).isEmpty, ["consentWords"], "needs accept and decline words")
        for key in (stop.confirmWords ?? [:]).keys {
            require(key == "erase" || key == "keep", ["stop", "confirmWords", key], "must be erase or keep")
        }
        require((1...5).contains(concern.contactCount), ["concern", "contactCount"], "must be from 1 to 5")
        for (category, tiers) in safety.risk {
            require(SafetyLexicon.categories.contains(category), ["safety", "risk", category], "is not a category")
            for (tier, entries) in [("emergency", tiers.emergency ?? []), ("concern", tiers.concern ?? [])] {
                for (index, entry) in entries.enumerated() {
                    require(Self.usable(entry), ["safety", "risk", category, tier, "\(index)"], "is too short to match safely")
                }
            }
        }
        for (category, entries) in safety.threats {
            require(SafetyLexicon.categories.contains(category), ["safety", "threats", category], "is not a category")
            for (index, entry) in entries.enumerated() {
                require(Self.usable(entry), ["safety", "threats", category, "\(index)"], "is too short to match safely")
            }
        }
        for (name, entries) in [("immediacy", safety.immediacy), ("exposure", safety.exposure), ("idioms", safety.idioms)] {
            for (index, entry) in entries.enumerated() {
                require(SafetyPattern(entry) != nil, ["safety", name, "\(index)"], "is empty once folded")
            }
        }
        require(outOfHours.contains("{next_opening}"), ["outOfHours"], "must contain {next_opening}")
        require(outOfHoursAfterSafety.contains("{next_opening}"), ["outOfHoursAfterSafety"], "must contain {next_opening}")
        require(!info.items.isEmpty, ["info", "items"], "needs at least one item")
        // LINE's own rules for a rich menu (sizes, lengths, areas inside the image) have one home, LineMessaging's
        // RichMenu.validate(), which the script loader applies; the engine's rule is that every tap is one it answers.
        for (index, area) in richMenu.areas.enumerated() {
            let path = ["richMenu", "areas", "\(index)"]
            let known =
                area.data.hasPrefix("start:") || area.data == "info:menu"
                || info.items.contains { "info:\($0.id)" == area.data }
            require(known, path + ["data"], "must be start:…, info:menu or info: and an item's id")
        }
        require(!office.unset.isBlank, ["office", "unset"], "must not be empty: she reads it where a fact is not set")
        // The engine fills {office.KEY} in everything she reads: every key named must be one the office can set.
        for (path, text) in officeFilledTexts {
            for key in Self.officeKeys(in: text) where office.values[key] == nil {
                problems.append(ScriptProblem(path: path, message: "uses {office.\(key)}, which office.values does not have"))
            }
        }
        for (index, item) in info.items.enumerated() {
            if let request = item.request {
                require(
                    !request.label.isBlank && request.label.count <= Self.maxLabelLength, ["info", "items", "\(index)", "request", "label"],
                    "must be a label of 1 to 20 characters")
                require(!request.reply.isBlank, ["info", "items", "\(index)", "request", "reply"], "must not be empty")
            }
        }
        require(info.items.count < Self.maxChoices, ["info", "items"], "has more than 12 items")
        for (index, item) in info.items.enumerated() {
            require(item.label.count <= Self.maxLabelLength, ["info", "items", "\(index)", "label"], "is longer than 20 characters")
            require(!item.text.isBlank, ["info", "items", "\(index)", "text"], "must not be empty")
        }
        if let announcements {
            for (key, label) in [("subscribe", announcements.subscribe), ("unsubscribe", announcements.unsubscribe)] {
                require(!label.isBlank && label.count <= Self.maxLabelLength, ["announcements", key], "must be 1 to 20 characters")
            }
            require(!announcements.subscribed.isBlank, ["announcements", "subscribed"], "must not be empty")
            require(!announcements.unsubscribed.isBlank, ["announcements", "unsubscribed"], "must not be empty")
        }
        for (index, item) in info.items.enumerated() where item.announce == true {
            require(announcements != nil, ["info", "items", "\(index)", "announce"], "needs the announcements section")
            require(item.request == nil, ["info", "items", "\(index)", "announce"], "cannot share an item with a request button")
        }
        require(!partners.isEmpty, ["partners"], "needs at least one partner")
        require(!outcomes.isEmpty, ["outcomes"], "needs at least one outcome")
        require(Set(outcomes.map(\.id)).count == outcomes.count, ["outcomes"], "has the same id twice")
        require(
            outcomes.contains { $0.id == TriageEngine.idleOutcome }, ["outcomes"],
            "needs the outcome \(TriageEngine.idleOutcome), given to the cases closed for want of an answer")
        require(Set(canned.map(\.id)).count == canned.count, ["canned"], "has the same id twice")
        for (name, list) in [("places", programme?.places ?? []), ("facilities", programme?.facilities ?? [])] {
            require(Set(list.map(\.id)).count == list.count, ["programme", name], "has the same id twice")
            require(!list.contains { $0.id.isBlank || $0.name.isBlank }, ["programme", name], "needs an id and a name for each")
        }
        for (index, reply) in canned.enumerated() {
            require(!reply.text.isBlank, ["canned", "\(index)", "text"], "must not be empty")
        }
        require(queue.waitPastClosing.contains("{next_opening}"), ["queue", "waitPastClosing"], "must contain {next_opening}")
        require(queue.stillWaitingClosed.contains("{next_opening}"), ["queue", "stillWaitingClosed"], "must contain {next_opening}")
        require(queue.officeClosed.contains("{next_opening}"), ["queue", "officeClosed"], "must contain {next_opening}")
        require(queue.closedNow.contains("{next_opening}"), ["queue", "closedNow"], "must contain {next_opening}")
        require(queue.minutesPerCase > 0, ["queue", "minutesPerCase"], "must be more than 0")
        require(queue.counsellorsOnShift > 0, ["queue", "counsellorsOnShift"], "must be more than 0")
        do {
            _ = try officeHours()
        } catch {
            problems.append(error)
        }
        return problems
    }

    /// The schedule as ``OfficeHours``.
    public func officeHours() throws(ScriptProblem) -> OfficeHours {
        guard !hours.slots.isEmpty else {
            throw ScriptProblem(path: ["hours", "slots"], message: "needs at least one slot, or no one could be told when the office opens")
        }
        var slots: [OfficeHours.Slot] = []
        for (index, slot) in hours.slots.enumerated() {
            let path = ["hours", "slots", "\(index)"]
            guard let start = Self.minutes(slot.from) else {
                throw ScriptProblem(path: path + ["from"], message: "must be a time such as 10:00")
            }
            guard let end = Self.minutes(slot.to), end != start else {
                throw ScriptProblem(path: path + ["to"], message: "must be a time such as 17:00, other than 'from'")
            }
            guard !slot.days.isEmpty else { throw ScriptProblem(path: path + ["days"], message: "needs at least one day") }
            for name in slot.days {
                guard let weekday = Self.weekdays[name] else {
                    throw ScriptProblem(path: path + ["days"], message: "'\(name)' is not one of mon, tue, wed, thu, fri, sat, sun")
                }
                let days: OfficeHours.Slot.Days
                if let week = slot.week {
                    guard (1...5).contains(week) || week == -1 else {
                        throw ScriptProblem(path: path + ["week"], message: "must be 1 to 5, or -1 for the last")
                    }
                    days = .monthly(ordinal: week, weekday)
                } else {
                    days = .weekly(weekday)
                }
                slots.append(OfficeHours.Slot(days: days, start: start, end: end > start ? end : end + 1440))
            }
        }
        var closed: Set<CivilDate> = []
        for (index, text) in hours.closedDates.enumerated() {
            guard let date = CivilDate(text) else {
                throw ScriptProblem(path: ["hours", "closedDates", "\(index)"], message: "must be a date such as 2026-08-13")
            }
            closed.insert(date)
        }
        var yearEnd: OfficeHours.YearEndBreak?
        if let range = hours.yearEndBreak {
            let parts = range.map { $0.split(separator: "-").compactMap { Int($0) } }
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && (1...12).contains($0[0]) && (1...31).contains($0[1]) })
            else {
                throw ScriptProblem(path: ["hours", "yearEndBreak"], message: "must be two days such as [12-29, 01-03]")
            }
            yearEnd = .init(startMonth: parts[0][0], startDay: parts[0][1], endMonth: parts[1][0], endDay: parts[1][1])
        }
        return OfficeHours(slots: slots, closedOnHolidays: hours.closedOnHolidays, closedDates: closed, yearEndBreak: yearEnd)
    }

    /// Every text that may name an office fact, with its path: the messages, the menu, the replies counsellors send,
    /// and the contacts' numbers.
    private var officeFilledTexts: [([String], String)] {
        let messages: [(String, String)] = [
            ("welcome", welcome), ("outOfHours", outOfHours), ("stillWaiting", stillWaiting), ("handoff", handoff),
            ("closing", closing), ("consentDeclined", consentDeclined), ("returning", returning), ("queued", queued),
        ]
        return messages.map { ([$0.0], $0.1) }
            + info.items.enumerated().map { (["info", "items", "\($0.offset)", "text"], $0.element.text) }
            + canned.enumerated().map { (["canned", "\($0.offset)", "text"], $0.element.text) }
            + emergency.contacts.enumerated().map { (["emergency", "contacts", "\($0.offset)", "number"], $0.element.number) }
    }

    /// The KEYs of every `{office.KEY}` in `text`.
    public static func officeKeys(in text: String) -> [String] {
        text.split(separator: "{office.", omittingEmptySubsequences: false).dropFirst().compactMap { part in
            part.firstIndex(of: "}").map { String(part[..<$0]) }
        }
    }

    /// A pattern that folds to something, and, if it is text (`~…`), to at least two characters: a single
    /// character found anywhere would raise alarms on anything.
    static func usable(_ entry: String) -> Bool {
        guard SafetyPattern(entry) != nil else { return false }
        return !entry.hasPrefix("~") || TextNormalizer.normalize(String(entry.dropFirst())).count >= 2
    }

    static let weekdays: [String: Weekday] = [
        "sun": .sunday, "mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday, "fri": .friday, "sat": .saturday,
    ]

    /// `HH:mm` → minutes after midnight; `24:00` is allowed as the end of a day.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        return hours * 60 + minutes
    }
}

extension String {
    var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
