/// The conversation engine: `(conversation, event, context, script) → (conversation, actions)`.
///
/// A pure value with no I/O, no clock and no randomness (time and the queue come in a ``TriageContext``,
/// a new case's id from the caller), so every transition is tested in microseconds and the caller can
/// commit the new state and its effects in one transaction.
///
/// Two rules hold in every state: danger in her words (``SafetyDetector``) is answered at once, with contacts for
/// its category, and the case goes to the front of the queue (a concern: a safety question and a raised priority);
/// a stop word (「やめる」, the whole message) or a request to erase asks her to confirm, and only her confirmation
/// destroys what she wrote. The information menu is answered in every state without a counsellor.
public struct TriageEngine: Sendable {
    public let script: ConversationScript
    public let hours: OfficeHours
    /// Days after a case closes until its messages are destroyed (the server's setting): the welcome tells her this
    /// number, so what she is told is what the retention job does.
    public let retentionDays: Int
    private let safety: SafetyDetector
    private let erasureRequest: ErasureRequest
    private let infoTriggers: Set<String>
    /// Folded words that answer with one information item (生理用品 → sanitary), longest first.
    private let itemTriggers: [(word: String, item: String)]
    /// Folded request buttons' words (スーツを借りたい, without を), each with its item's id.
    private let requestWords: [(words: String, item: String)]
    /// Whole messages that stop the announcements (folded).
    private let announcementStopWords: Set<String>
    /// A message longer than this (folded) is a consultation, even if it names a service.
    static let itemTriggerLength = 20
    /// Folded typed answers to the consent question, longest first, each with the answer it gives.
    private let consentWords: [(word: String, yes: Bool)]
    /// Folded typed answers to the erasure question (`yes`: erase), longest first: stricter than consent's.
    private let erasureWords: [(word: String, yes: Bool)]
    /// Folded answers to the concern reply's safety question that say she is not safe now (all `yes`).
    private let unsafeAnswers: [(word: String, yes: Bool)]
    /// Folded thanks and goodbyes, longest first.
    private let goodbyeWords: [String]
    /// Each question's button labels, folded once here rather than for every message she types.
    private let foldedLabels: [Question: [(label: String, id: String)]]

    /// - Parameter safety: the detector, with the server's analyser and model; by default the script's rules alone
    ///   on folded text (for tests of the conversation that do not need MeCab).
    /// - Throws: the script's first problem, if it has any (``ConversationScript/validate()`` lists them all).
    public init(script: ConversationScript, safety: SafetyDetector? = nil, retentionDays: Int = 90) throws(ScriptProblem) {
        if let problem = script.validate().first { throw problem }
        self.script = script
        self.retentionDays = retentionDays
        self.hours = try script.officeHours()
        self.safety = safety ?? SafetyDetector(lexicon: script.safety, analyzer: nil, model: nil)
        self.erasureRequest = ErasureRequest(script.stop)
        self.infoTriggers = Set(script.info.triggers.map(TextNormalizer.normalize))
        self.itemTriggers = script.info.items.flatMap { item in (item.triggers ?? []).map { (TextNormalizer.normalize($0), item.id) } }
            .filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
        self.consentWords = Self.answerWords(yes: script.consentWords["accept"], no: script.consentWords["decline"])
        self.erasureWords = Self.answerWords(yes: script.stop.confirmWords?["erase"], no: script.stop.confirmWords?["keep"])
        self.unsafeAnswers = Self.answerWords(yes: script.concern.unsafeAnswers, no: nil)
        self.requestWords = script.info.items.compactMap { item in
            item.request.map { (TextNormalizer.normalize($0.label).replacing("を", with: ""), item.id) }
        }
        self.goodbyeWords = script.goodbye.words.map(TextNormalizer.normalize).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.announcementStopWords = Set((script.announcements?.stopWords ?? []).map(TextNormalizer.normalize).filter { !$0.isEmpty })
        self.foldedLabels = Dictionary(
            uniqueKeysWithValues: Question.allCases.map { question in
                (question, Self.words(of: question, in: script).choices.map { (TextNormalizer.normalize($0.label), $0.id) })
            })
    }

    /// The welcome and privacy notice as she reads it, with the retention period in force.
    public var welcomeText: String {
        script.welcome.replacing("{retention_days}", with: "\(retentionDays)")
            .replacing("{hold_minutes}", with: "\(script.firstWords.holdMinutes)")
    }

    /// The category recorded for danger no rule or model could name (a bare たすけて without the model).
    static let unnamed = "unspecified"

    /// The outcome of a case closed because nobody wrote for too long (one of the script's outcomes).
    public static let idleOutcome = "no-response"

    /// Where a group or room conversation rests once it has been told this is a one-to-one service.
    public static let declinedGroup = TriageState.closed(outcome: "group", referral: nil)

    /// Decides what `event` does to `conversation`.
    /// - Parameter newCaseID: the id to give a case if this decision opens one.
    public func decide(
        _ event: TriageEvent, for conversation: Conversation, context: TriageContext, newCaseID: String
    ) -> TriageDecision {
        var turn = Turn(conversation: conversation, context: context, newCaseID: newCaseID)
        // Only her very next message answers the safety question: after anything else (a counsellor taking the case,
        // a close) her 「いいえ」 answers something else.
        turn.conversation.safetyAsked = false
        switch event {
        case .text, .choice, .sticker, .image, .otherMedia, .location:
            // Only someone who has not blocked the account can write to it: a message of hers proves she can be
            // reached, whatever order a follow and an unfollow arrived in (LINE redelivers a failed delivery later).
            // Not a redelivered one, which may be older than the unfollow.
            if !context.isRedelivery { turn.conversation.reachable = true }
        default:
            break
        }
        switch event {
        case .fromGroup:
            // One notice per group or room; if the bot is somehow still there later, it just leaves.
            if conversation.state != Self.declinedGroup { turn.send(script.groupNotice) }
            turn.actions.append(.leaveChat)
            turn.conversation.state = Self.declinedGroup
        case .unfollow:
            settleHeldWords(release: false, &turn)
            turn.conversation.reachable = false
            turn.actions.append(.stopPushes)
            turn.endCase(outcome: "unfollowed")
        case .follow:
            turn.conversation.reachable = true
            if case .new = conversation.state { welcome(&turn) } else if case .closed = conversation.state { welcome(&turn) }
        case .unsend(let messageID):
            turn.actions.append(.deleteMessage(messageID: messageID))
        case .claimed(let counsellor):
            claimed(by: counsellor, &turn)
        case .released:
            if case .active = conversation.state { turn.conversation.state = .queued(priority: turn.caseRecord?.priority ?? .normal) }
        case .closed(let outcome, let referral):
            closedByCounsellor(outcome: outcome, referral: referral, &turn)
        case .idle:
            // Nobody wrote for too long: the case closes, silently, so that its retention period starts.
            settleHeldWords(release: false, &turn)
            turn.endCase(outcome: Self.idleOutcome)
        case .officeClosed:
            // Waiting and not yet taken: she would otherwise go on waiting for an answer that cannot come today.
            if case .queued = conversation.state {
                // Told at the closing moment; a moment early, the next opening is still the one after today's.
                let opening: Int64? =
                    switch hours.status(at: context.now) {
                    case .closed(let opening): opening
                    case .open(let until): hours.nextOpening(after: until)
                    }
                turn.send(script.queue.officeClosed.replacing("{next_opening}", with: opening.map(JapaneseWording.dateTime) ?? ""))
                turn.conversation.toldStillWaiting = true
            }
        case .text(let text):
            fromHer(text: text, safetyAsked: conversation.safetyAsked, &turn)
        case .choice(let data):
            fromHer(choice: data, &turn)
        case .sticker:
            fromHer(media: script.acknowledgements.sticker, record: script.acknowledgements.stickerRecord, isSticker: true, &turn)
        case .image:
            fromHer(media: script.acknowledgements.image, record: script.acknowledgements.imageRecord, &turn)
        case .otherMedia:
            fromHer(media: script.acknowledgements.media, record: script.acknowledgements.mediaRecord, &turn)
        case .location:
            fromHer(media: script.acknowledgements.location, record: script.acknowledgements.locationRecord, &turn)
        }
        // The office's own facts, wherever a text names them.
        let actions = turn.actions.map { action in
            guard case .send(let messages) = action else { return action }
            return .send(messages.map { BotMessage(text: script.office.fill($0.text), choices: $0.choices) })
        }
        return TriageDecision(conversation: turn.conversation, actions: actions, openedCase: turn.openedCase)
    }

    // MARK: Her messages

    /// - Parameter safetyAsked: her previous message was answered with the concern reply's safety question.
    private func fromHer(text: String, safetyAsked: Bool = false, _ turn: inout Turn) {
        // Folded and analysed once, for danger and for every word list below.
        let message = safety.analyse(text)
        let folded = message.folded
        // 「いいえ」 to 「いま、安全な場所にいますか？」 says she is not safe now: that reading wins over any other question
        // it might answer (the erasure question, asked in the same turn when she also asked to erase).
        let notSafe = safetyAsked && typedAnswer(message, words: unsafeAnswers) == true
        if turn.conversation.erasureAsked {
            turn.conversation.erasureAsked = false
            if !notSafe, let erase = typedErasureAnswer(message) {
                fromHer(choice: Question.erase.data(for: erase ? "yes" : "no"), erasureAsked: true, &turn)
                return
            }
            // Anything else: she has carried on talking, and it is read as usual.
        }
        let stops = erasureRequest.matches(folded)
        let assessment = safety.assess(message)
        if notSafe, assessment.tier != .emergency {
            // Not safe now is danger now, of the kind she was asked about.
            let askedAbout = turn.caseRecord?.concern.flatMap { $0 == Self.unnamed ? nil : $0 }
            emergency(category: assessment.category ?? askedAbout, text: text, &turn)
            return
        }
        switch assessment.tier {
        case .emergency:
            // Danger first; then, if she also asked to erase, the question.
            emergency(category: assessment.category, text: text, &turn)
            if stops { askErasure(&turn) }
            return
        case .concern:
            // Her safety first here too (死にたい、もう全部消して); then, if she also asked to erase, the question.
            if concern(category: assessment.category, text: text, &turn) {
                if stops { askErasure(&turn) }
                return
            }
        case .none:
            break
        }
        if announcementStopWords.contains(folded) {
            announcements(false, &turn)
            return
        }
        if stops {
            askErasure(&turn)
            return
        }
        if infoTriggers.contains(folded) {
            showInformationMenu(&turn)
            return
        }
        if let item = requestTyped(folded) {
            request(item, &turn)
            return
        }
        if folded.count <= Self.itemTriggerLength, let item = itemTriggers.first(where: { folded.contains($0.word) })?.item {
            turn.record(text)  // With a case open, her question stays in it for the counsellor too.
            showInformation(item, &turn)
            return
        }
        // A typed label counts as tapping it.
        if let data = choiceData(matchingLabel: folded, in: turn.conversation.state) {
            fromHer(choice: data, &turn)
            return
        }
        if case .consent = turn.conversation.state, let yes = typedConsent(message) {
            fromHer(choice: Question.consent.data(for: yes ? "yes" : "no"), &turn)
            return
        }
        switch turn.conversation.state {
        case .closed where isGoodbye(folded):
            sayGoodbye(&turn)
        case .new, .closed:
            startConsultation(firstMessage: text, &turn)
        case .consent:
            hold(text, &turn)  // Often the rest of her story: held with her first words.
            remindConsent(&turn)
        case .topic:
            turn.record(text)
            notAnswered(.topic, &turn) { turn in
                chooseTopic(turn.defaultChoice(of: script.topic), &turn)
            }
        case .urgency:
            turn.record(text)
            notAnswered(.urgency, &turn) { turn in
                chooseUrgency(turn.defaultChoice(of: script.urgency), &turn)
            }
        case .queued:
            turn.record(text)
            tellStillWaiting(&turn)
        case .active:
            turn.record(text)
        case .survey:
            turn.finishSurvey(satisfaction: nil)
            if isGoodbye(folded) { sayGoodbye(&turn) } else { startConsultation(firstMessage: text, &turn) }
        }
    }

    private func fromHer(choice data: String, erasureAsked: Bool? = nil, _ turn: inout Turn) {
        let parts = data.split(separator: ":", maxSplits: 1).map(String.init)
        let (group, id) = (parts.first ?? "", parts.count == 2 ? parts[1] : "")
        let asked = erasureAsked ?? turn.conversation.erasureAsked
        turn.conversation.erasureAsked = false
        if let question = Question(rawValue: group) {
            answer(question, id, erasureAsked: asked, &turn)
            return
        }
        switch (group, turn.conversation.state) {
        case ("info", _):
            if id == "menu" { showInformationMenu(&turn) } else { showInformation(id, &turn) }
        case ("request", _):
            request(id, &turn)
        case ("announce", _):
            announcements(id == "on", &turn)
        case ("start", .closed), ("start", .new), ("start", .survey):
            turn.finishSurvey(satisfaction: nil)
            startConsultation(firstMessage: nil, &turn)
        case ("start", .queued):
            tellStillWaiting(&turn)  // Already with us: her messages reach the counsellor.
        case ("start", _):
            askCurrentQuestion(&turn)  // In triage, the question again; with a counsellor, nothing.
        default:
            // A button Tsunagu never made: treat it as the words it carries.
            if case .consent = turn.conversation.state { remindConsent(&turn) } else { fromHer(text: id, &turn) }
        }
    }

    /// Her tap on a button of `question` (or the same answer typed).
    private func answer(_ question: Question, _ id: String, erasureAsked asked: Bool, _ turn: inout Turn) {
        switch (question, turn.conversation.state) {
        case (.erase, _) where id == "yes":
            if asked { stop(&turn) } else { askErasure(&turn) }  // A stale button still asks first.
        case (.erase, _):
            turn.send(script.stop.continued)
            askCurrentQuestion(&turn)
        case (.consent, .consent) where id == "yes":
            turn.conversation.hasConsented = true
            if let pending = turn.conversation.pendingRequest,
                let request = script.info.items.first(where: { $0.id == pending })?.request
            {
                turn.conversation.pendingRequest = nil
                openRequest(pending, request, &turn)
                return
            }
            turn.openCase()
            settleHeldWords(release: true, &turn)
            ask(.topic, &turn)
        case (.consent, .consent) where id == "no":
            turn.conversation.pendingRequest = nil
            let held = turn.conversation.heldSince != nil
            settleHeldWords(release: false, &turn)
            turn.send(script.consentDeclined + (held ? "\n" + script.firstWords.dropped : ""))
            turn.conversation.state = .new
        case (.topic, .topic) where script.topic.choices.contains(where: { $0.id == id }):
            chooseTopic(script.topic.choices.first { $0.id == id }!, &turn)
        case (.urgency, .urgency) where script.urgency.choices.contains(where: { $0.id == id }):
            chooseUrgency(script.urgency.choices.first { $0.id == id }!, &turn)
        case (.survey, .survey) where script.survey.choices.contains(where: { $0.id == id }):
            turn.finishSurvey(satisfaction: id)
            turn.send(script.surveyThanks)
        default:
            // A button from an earlier question: treat it as the words on it.
            let label = words(of: question).choices.first { $0.id == id }?.label ?? id
            if case .consent = turn.conversation.state { remindConsent(&turn) } else { fromHer(text: label, &turn) }
        }
    }

    /// Anything but text: she is told, in every state, that counsellors cannot see it (a sticker is only thanked).
    private func fromHer(media acknowledgement: String, record: String, isSticker: Bool = false, _ turn: inout Turn) {
        switch turn.conversation.state {
        case .survey, .closed:
            // After the talk, a sticker is a goodbye and anything else is acknowledged; neither opens a new case.
            turn.finishSurvey(satisfaction: nil)
            if !isSticker { turn.send(acknowledgement) }
        case .new:
            // What happens to it first (a location: that 110 takes it from her call), then the welcome, whose
            // buttons must be under the last message.
            if !isSticker { turn.send(acknowledgement) }
            startConsultation(firstMessage: record, holdingIt: false, &turn)
        case .consent:
            turn.send(acknowledgement)
            remindConsent(&turn)
        case .topic:
            turn.record(record)
            turn.send(acknowledgement)
            ask(.topic, &turn)
        case .urgency:
            turn.record(record)
            turn.send(acknowledgement)
            ask(.urgency, &turn)
        case .queued:
            turn.record(record)
            if !isSticker || !turn.conversation.toldStillWaiting { turn.send(acknowledgement) }
            tellStillWaiting(&turn)
        case .active:
            turn.record(record)
            if !isSticker { turn.send(acknowledgement) }
        }
    }

    // MARK: Steps

    private func welcome(_ turn: inout Turn) {
        turn.send(welcomeText + closedNowNotice(at: turn.context.now))
        ask(.consent, &turn)
        turn.conversation.state = .consent
        turn.conversation.unansweredPrompts = 0
    }

    /// A first message (or the first after a closed case): the welcome, or straight to the topic for
    /// someone who consented before.
    /// - Parameter holdingIt: whether her message is her own words, to hold until she answers the privacy notice.
    private func startConsultation(firstMessage: String?, holdingIt: Bool = true, _ turn: inout Turn) {
        guard turn.conversation.hasConsented else {
            welcome(&turn)
            if holdingIt, let firstMessage { hold(firstMessage, &turn) }
            return
        }
        turn.openCase()
        if let firstMessage { turn.record(firstMessage) }
        turn.send(script.returning + closedNowNotice(at: turn.context.now))
        ask(.topic, &turn)
    }

    /// Thanks or a goodbye after the talk: a polite answer and a way to start again, no new case.
    private func sayGoodbye(_ turn: inout Turn) {
        turn.actions.append(
            .send([BotMessage(text: script.goodbye.reply, choices: [BotChoice(label: script.goodbye.startAgain, data: "start:again")])]))
    }

    /// Her whole message is thanks or goodbye (「ありがとうございました！」「おやすみ〜」), up to two characters more.
    private func isGoodbye(_ folded: String) -> Bool {
        var rest = Substring(folded)
        var found = false
        while let word = goodbyeWords.first(where: { rest.hasPrefix($0) }) {
            rest = rest.dropFirst(word.count)
            found = true
        }
        return found && rest.count <= 2
    }

    private func remindConsent(_ turn: inout Turn) {
        turn.send(script.consentReminder)
        ask(.consent, &turn)
    }

    /// She wrote instead of choosing: ask once more, then carry on with a sensible default.
    private func notAnswered(_ question: Question, _ turn: inout Turn, otherwise proceed: (inout Turn) -> Void) {
        if turn.conversation.unansweredPrompts == 0 {
            turn.conversation.unansweredPrompts += 1
            turn.send(script.choosePrompt)
            ask(question, &turn)
        } else {
            proceed(&turn)
        }
    }

    private func chooseTopic(_ choice: ConversationScript.Choice, _ turn: inout Turn) {
        turn.updateCase { $0.topic = choice.id }
        turn.conversation.unansweredPrompts = 0  // The next question gets its own reminder.
        ask(.urgency, &turn)
    }

    private func chooseUrgency(_ choice: ConversationScript.Choice, _ turn: inout Turn) {
        let priority = choice.priority ?? .normal
        turn.updateCase { $0.urgency = choice.id }
        enqueue(priority: priority, &turn)
        tellQueued(priority: priority, &turn)
    }

    /// Her place in the queue and an honest wait; out of hours, when the office opens.
    private func tellQueued(priority: Priority, _ turn: inout Turn) {
        let status = hours.status(at: turn.context.now)
        if case .open(let until) = status {
            let ahead = turn.context.waitingAhead.filter { $0.key <= priority }.values.reduce(0, +)
            turn.send(
                script.queued
                    .replacing("{position}", with: "\(ahead + 1)")
                    .replacing("{wait}", with: waitWording(casesAhead: ahead, now: turn.context.now, closing: until)))
        } else {
            turn.send(outOfHoursMessage(status))
        }
    }

    private func enqueue(priority: Priority, _ turn: inout Turn) {
        let now = turn.context.now
        let open = hours.status(at: now).isOpen
        turn.updateCase { record in
            record.priority = min(record.priority ?? priority, priority)
            if record.queuedAt == nil {
                record.queuedAt = now
                record.outOfHours = !open
            }
        }
        turn.conversation.state = .queued(priority: turn.caseRecord?.priority ?? priority)
        turn.conversation.toldStillWaiting = false
    }

    private func tellStillWaiting(_ turn: inout Turn) {
        guard !turn.conversation.toldStillWaiting else { return }
        turn.conversation.toldStillWaiting = true
        let status = hours.status(at: turn.context.now)
        if status.isOpen {
            turn.send(script.stillWaiting)
        } else {
            turn.send(script.queue.stillWaitingClosed.replacing("{next_opening}", with: Self.nextOpening(status)))
        }
    }

    /// Out of hours, a paragraph for her first reply saying when a counsellor will read her; open, nothing.
    private func closedNowNotice(at now: Int64) -> String {
        let status = hours.status(at: now)
        guard !status.isOpen else { return "" }
        return "\n\n" + script.queue.closedNow.replacing("{next_opening}", with: Self.nextOpening(status))
    }

    private func emergency(category named: String?, text: String, _ turn: inout Turn) {
        let category = named ?? Self.unnamed
        switch turn.conversation.state {
        case .new, .consent, .closed, .survey:
            if case .survey = turn.conversation.state { turn.finishSurvey(satisfaction: nil) }
            turn.openCase()
            settleHeldWords(release: true, &turn)  // Danger first: the counsellor needs what she wrote before.
        case .topic, .urgency, .queued, .active:
            break
        }
        turn.record(text)
        let answeredBefore = turn.conversation.sentContactList
        turn.updateCase { record in
            if record.emergency == nil { record.emergency = category }
        }
        turn.actions.append(.alert(category: category))
        let status = hours.status(at: turn.context.now)
        if case .active = turn.conversation.state {
            turn.updateCase { $0.priority = .emergency }
            // In hours the counsellor talking with her is alerted and answers her in person: nothing automatic in
            // between. Out of hours nobody may be reading (a case held overnight), so she is answered as if waiting.
            if status.isOpen { return }
        } else {
            enqueue(priority: .emergency, &turn)
        }
        if answeredBefore {
            turn.send(script.emergency.again)  // The list once per case; later, one short line.
        } else {
            turn.send(script.emergency.reply.replacing("{contacts}", with: contactList(for: named, at: turn.context.now)))
            (turn.conversation.sentContactList, turn.conversation.sentSafetyReply) = (true, true)
        }
        if !status.isOpen { turn.send(outOfHoursAfterSafety(status)) }
    }

    /// A risk without immediacy: in triage or the queue, a gentle safety question with a contact or two and a
    /// raised priority, once per case; with a counsellor in hours, only a flag for the counsellor, who reads the words
    /// in person (out of hours nobody may be reading a held case, so she is answered as if waiting).
    /// Returns whether the message was handled (otherwise the usual step for the state follows).
    private func concern(category named: String?, text: String, _ turn: inout Turn) -> Bool {
        let category = named ?? Self.unnamed
        let answeredBefore = turn.caseRecord != nil && turn.conversation.sentSafetyReply
        switch turn.conversation.state {
        case .active:
            if answeredBefore || hours.status(at: turn.context.now).isOpen {
                turn.record(text)
                turn.updateCase { if $0.concern == nil { $0.concern = category } }
                turn.actions.append(.flag(category: category))
                return true
            }
        case .new, .consent, .closed, .survey:
            if case .survey = turn.conversation.state { turn.finishSurvey(satisfaction: nil) }
            turn.openCase()
            settleHeldWords(release: true, &turn)
        case .topic, .urgency, .queued:
            if answeredBefore { return false }
        }
        turn.record(text)
        turn.updateCase { if $0.concern == nil { $0.concern = category } }
        let contacts = script.emergency.contacts(for: named, openAt: turn.context.now).filter(isKnown).prefix(script.concern.contactCount)
        turn.send(script.concern.reply.replacing("{contacts}", with: Self.list(contacts)))
        (turn.conversation.safetyAsked, turn.conversation.sentSafetyReply) = (true, true)
        turn.actions.append(.flag(category: category))
        if case .active = turn.conversation.state {
            turn.updateCase { $0.priority = min($0.priority ?? .urgent, .urgent) }
        } else {
            enqueue(priority: .urgent, &turn)
        }
        let status = hours.status(at: turn.context.now)
        if !status.isOpen { turn.send(outOfHoursAfterSafety(status)) }
        return true
    }

    /// Whether she wants to erase everything and end, before anything is destroyed.
    private func askErasure(_ turn: inout Turn) {
        ask(.erase, &turn)
        turn.conversation.erasureAsked = true
    }

    /// Her typed answer to the erasure question: a button's label, or the script's plain words for it (はい, いいえ);
    /// nothing looser, since erasing cannot be undone.
    private func typedErasureAnswer(_ message: AnalysedMessage) -> Bool? {
        if let id = foldedLabels[.erase]?.first(where: { $0.label == message.folded })?.id { return id == "yes" }
        // A question (「はい？」「消すの？」) is not an answer, and nothing may follow the words (「消すな」 is no).
        guard !message.prepared.contains("?"), !message.prepared.contains("？") else { return nil }
        return typedAnswer(message, words: erasureWords, slack: 0)
    }

    /// Holds her words (sealed by the caller) until she answers the privacy notice.
    private func hold(_ text: String, _ turn: inout Turn) {
        if turn.conversation.heldSince == nil { turn.conversation.heldSince = turn.context.now }
        turn.actions.append(.holdWords(text))
    }

    /// Her held words go into her case (if she agreed in time) or are destroyed.
    private func settleHeldWords(release: Bool, _ turn: inout Turn) {
        guard let since = turn.conversation.heldSince else { return }
        let inTime = turn.context.now - since <= Int64(script.firstWords.holdMinutes) * 60_000
        turn.actions.append(release && inTime ? .releaseHeldWords : .dropHeldWords)
        turn.conversation.heldSince = nil
    }

    private func stop(_ turn: inout Turn) {
        settleHeldWords(release: false, &turn)
        if let record = turn.conversation.currentCase { turn.actions.append(.shredCase(caseID: record.id)) }
        turn.endCase(outcome: "stopped")
        turn.actions.append(.stopPushes)
        // Her state keeps nothing of the case either: the record is saved once more and then no longer hers.
        turn.actions.append(.erase(closing: turn.conversation.currentCase))
        turn.conversation.currentCase = nil
        turn.conversation.state = .new
        turn.conversation.hasConsented = false
        turn.conversation.announcements = false
        turn.send(script.stop.reply)
    }

    private func showInformationMenu(_ turn: inout Turn) {
        let choices = script.info.items.map { BotChoice(label: $0.label, data: "info:\($0.id)") }
        turn.actions.append(.send([BotMessage(text: script.info.text, choices: choices)]))
    }

    private func showInformation(_ id: String, _ turn: inout Turn) {
        guard let item = script.info.items.first(where: { $0.id == id }) else {
            showInformationMenu(&turn)
            return
        }
        let text = item.text.replacing("{hours}", with: hoursWording(at: turn.context.now))
            .replacing("{contacts}", with: contactList(at: turn.context.now))
        if let request = item.request {
            turn.actions.append(.send([BotMessage(text: text, choices: [BotChoice(label: request.label, data: "request:\(item.id)")])]))
        } else if item.announce == true, let wording = script.announcements {
            let button =
                turn.conversation.announcements
                ? BotChoice(label: wording.unsubscribe, data: "announce:off") : BotChoice(label: wording.subscribe, data: "announce:on")
            turn.actions.append(.send([BotMessage(text: text, choices: [button])]))
        } else {
            turn.send(text)
        }
        askCurrentQuestion(&turn)
    }

    /// She asked to receive the programme's announcements, or to stop them: nothing else of hers is kept for it,
    /// and whatever she was answering is asked again.
    private func announcements(_ on: Bool, _ turn: inout Turn) {
        guard let wording = script.announcements else {
            showInformationMenu(&turn)
            return
        }
        turn.conversation.announcements = on
        turn.send(on ? wording.subscribed : wording.unsubscribed)
        askCurrentQuestion(&turn)
    }

    /// She asked for a service (a suit): it reaches a counsellor as a request, without the topic and urgency
    /// questions. Before she has agreed to the privacy notice, the notice comes first and the request waits for her
    /// answer; with a case already in the queue or with a counsellor, the request joins it.
    private func request(_ id: String, _ turn: inout Turn) {
        guard let item = script.info.items.first(where: { $0.id == id }), let request = item.request else {
            showInformationMenu(&turn)
            return
        }
        switch turn.conversation.state {
        case .queued, .active:
            turn.record(request.record)
            turn.send(request.reply)
            return
        case .topic, .urgency:
            turn.record(request.record)
            turn.updateCase { $0.topic = item.id }
            turn.send(request.reply)
            enqueue(priority: turn.caseRecord?.priority ?? .normal, &turn)
            tellQueued(priority: turn.caseRecord?.priority ?? .normal, &turn)
            return
        case .new, .consent, .closed, .survey:
            turn.finishSurvey(satisfaction: nil)
        }
        guard turn.conversation.hasConsented else {
            turn.conversation.pendingRequest = item.id
            if case .consent = turn.conversation.state { remindConsent(&turn) } else { welcome(&turn) }
            return
        }
        openRequest(item.id, request, &turn)
    }

    /// The item whose request button's words she typed (「スーツ借りたいです」), if any.
    private func requestTyped(_ folded: String) -> String? {
        let words = folded.replacing("を", with: "")
        return requestWords.first { words.hasPrefix($0.words) && words.count - $0.words.count <= 4 }?.item
    }

    private func openRequest(_ id: String, _ request: ConversationScript.ServiceRequest, _ turn: inout Turn) {
        turn.openCase()
        settleHeldWords(release: true, &turn)
        turn.record(request.record)
        turn.updateCase { $0.topic = id }
        turn.send(request.reply)
        enqueue(priority: .normal, &turn)
        tellQueued(priority: .normal, &turn)
    }

    /// Brings back the question she was answering, so its buttons are under the last message again.
    private func askCurrentQuestion(_ turn: inout Turn) {
        if let question = Question(awaitedIn: turn.conversation.state) { ask(question, &turn) }
    }

    // MARK: Counsellor events

    private func claimed(by counsellor: String, _ turn: inout Turn) {
        switch turn.conversation.state {
        case .queued:
            let now = turn.context.now
            turn.updateCase { if $0.claimedAt == nil { $0.claimedAt = now } }
            turn.conversation.state = .active(counsellor: counsellor)
            turn.send(script.handoff)
        case .active:
            turn.conversation.state = .active(counsellor: counsellor)  // A transfer: she is not told twice.
        default:
            break
        }
    }

    private func closedByCounsellor(outcome: String, referral: String?, _ turn: inout Turn) {
        switch turn.conversation.state {
        case .queued, .active:
            let now = turn.context.now
            turn.updateCase { record in
                record.closedAt = now
                record.outcome = outcome
                record.referral = referral
            }
            turn.send(script.closing)
            if turn.conversation.currentCase?.emergency != nil {
                turn.conversation.state = .closed(outcome: outcome, referral: referral)  // No satisfaction question after danger.
            } else {
                turn.conversation.state = .survey
                ask(.survey, &turn)
            }
        default:
            break
        }
    }

    // MARK: Wording

    /// A counsellor's reply template with `{hours}`, `{next_opening}` and `{contacts}` filled in for `now`.
    public func fill(_ template: String, now: Int64) -> String {
        var next = ""
        if case .closed(let opening?) = hours.status(at: now) { next = JapaneseWording.dateTime(opening) }
        return template.replacing("{hours}", with: hoursWording(at: now)).replacing("{next_opening}", with: next)
            .replacing("{contacts}", with: contactList(at: now))
    }

    private func outOfHoursMessage(_ status: OfficeHours.Status) -> String {
        script.outOfHours.replacing("{next_opening}", with: Self.nextOpening(status)).replacing("{contacts}", with: contactList(at: nil))
    }

    /// Out of hours after a safety reply: when a counsellor will read it, and no second list of contacts.
    private func outOfHoursAfterSafety(_ status: OfficeHours.Status) -> String {
        script.outOfHoursAfterSafety.replacing("{next_opening}", with: Self.nextOpening(status))
    }

    private static func nextOpening(_ status: OfficeHours.Status) -> String {
        if case .closed(let opening?) = status { JapaneseWording.dateTime(opening) } else { "" }
    }

    /// The contacts for `category` that are open at `now` (all of them for `nil`: a list read later).
    private func contactList(for category: String? = nil, at now: Int64?) -> String {
        Self.list(script.emergency.contacts(for: category, openAt: now).filter(isKnown))
    }

    /// A local contact whose number is an office fact (`{office.localCentre}`) is offered only once the office has
    /// set it: never a placeholder in place of a number she might need to call.
    private func isKnown(_ contact: ConversationScript.Contact) -> Bool {
        ConversationScript.officeKeys(in: contact.number).allSatisfy { !(script.office.values[$0] ?? "").isBlank }
    }

    private static func list(_ contacts: some Sequence<ConversationScript.Contact>) -> String {
        contacts.map { contact in
            "・\(contact.name) \(contact.number)" + (contact.note.map { "（\($0)）" } ?? "")
        }.joined(separator: "\n")
    }

    /// The wait, honestly: never a promise past today's `closing`.
    private func waitWording(casesAhead: Int, now: Int64, closing: Int64) -> String {
        let minutes = casesAhead * script.queue.minutesPerCase / script.queue.counsellorsOnShift
        if now + Int64(minutes) * 60_000 >= closing {
            let next = hours.nextOpening(after: closing).map(JapaneseWording.dateTime) ?? ""
            return script.queue.waitPastClosing.replacing("{closing}", with: JapaneseWording.clock(closing))
                .replacing("{next_opening}", with: next)
        }
        if minutes < 10 { return script.queue.waitSoon }
        if minutes < 90 {
            return script.queue.waitMinutes.replacing("{minutes}", with: "\((minutes + 9) / 10 * 10)")
        }
        return script.queue.waitHours.replacing("{hours}", with: "\((minutes + 59) / 60)")
    }

    private func hoursWording(at now: Int64) -> String {
        switch hours.status(at: now) {
        case .open:
            return script.hours.summary
        case .closed(let opening):
            guard let opening else { return script.hours.summary }
            return script.hours.summary + "\n次の受付：" + JapaneseWording.dateTime(opening)
        }
    }

    /// Her typed answer to the consent question: `true` or `false` when her whole message is made of the script's
    /// yes words (「うん、お願いします」) or of its no words, up to two characters more (です); `nil` otherwise.
    private func typedConsent(_ message: AnalysedMessage) -> Bool? {
        typedAnswer(message, words: consentWords)
    }

    /// A typed yes or no: her whole message made of `words` that agree (「うん、お願いします」), up to `slack` characters
    /// more (です).
    private func typedAnswer(_ message: AnalysedMessage, words: [(word: String, yes: Bool)], slack: Int = 2) -> Bool? {
        guard !words.isEmpty else { return nil }
        var rest = Substring(Self.answerFold(prepared: message.prepared))
        var answer: Bool?
        while let (word, yes) = words.first(where: { rest.hasPrefix($0.word) }), answer == nil || answer == yes {
            rest = rest.dropFirst(word.count)
            answer = yes
        }
        return rest.count <= slack ? answer : nil
    }

    /// Typed answers folded as her message will be, longest first, each with the answer it gives.
    private static func answerWords(yes: [String]?, no: [String]?) -> [(word: String, yes: Bool)] {
        ((yes ?? []).map { (answerFold($0), true) } + (no ?? []).map { (answerFold($0), false) })
            .filter { !$0.0.isEmpty }.sorted { $0.0.count > $1.0.count }
    }

    /// Her typed answer folded less than ``TextNormalizer`` folds phrases: widths, kana and case alike, punctuation and
    /// spaces gone, but long vowels and pairs kept, since 「うーん」 (hmm) and 「ううん」 (no) are not 「うん」 (yes).
    static func answerFold(_ text: String) -> String {
        answerFold(prepared: TextNormalizer.prepareForAnalysis(text))
    }

    /// ``answerFold(_:)`` of text already prepared for analysis (``AnalysedMessage/prepared``).
    static func answerFold(prepared: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in prepared.lowercased().unicodeScalars {
            var value = scalar.value
            if (0x30A1...0x30F6).contains(value) { value -= 0x60 }  // Katakana → hiragana.
            guard let kept = Unicode.Scalar(value) else { continue }
            if kept.properties.isAlphabetic || kept.properties.numericType != nil || value == 0x30FC { folded.append(kept) }
        }
        return String(folded)
    }

    /// - Parameter folded: her message, folded.
    private func choiceData(matchingLabel folded: String, in state: TriageState) -> String? {
        guard let question = Question(awaitedIn: state) else { return nil }
        return foldedLabels[question]?.first { $0.label == folded }.map { question.data(for: $0.id) }
    }

    /// Asks `question` with its buttons, in the state it belongs to.
    private func ask(_ question: Question, _ turn: inout Turn) {
        turn.ask(words(of: question), as: question)
    }
}

/// The decision being built.
private struct Turn {
    var conversation: Conversation
    let context: TriageContext
    let newCaseID: String
    var actions: [TriageAction] = []
    var openedCase = false

    init(conversation: Conversation, context: TriageContext, newCaseID: String) {
        self.conversation = conversation
        self.context = context
        self.newCaseID = newCaseID
    }

    /// The current case, if it is still open.
    var caseRecord: CaseRecord? {
        guard let record = conversation.currentCase, record.closedAt == nil || conversation.state == .survey else { return nil }
        return record
    }

    mutating func send(_ text: String) {
        append(BotMessage(text: text))
    }

    mutating func ask(_ words: ConversationScript.Question, as question: TriageEngine.Question) {
        append(BotMessage(text: words.text, choices: words.choices.map { BotChoice(label: $0.label, data: question.data(for: $0.id)) }))
        if let state = question.state { conversation.state = state }
    }

    /// Consecutive sends go out together (one reply while her reply token is fresh).
    private mutating func append(_ message: BotMessage) {
        if case .send(let messages)? = actions.last {
            actions[actions.count - 1] = .send(messages + [message])
        } else {
            actions.append(.send([message]))
        }
    }

    mutating func record(_ text: String) {
        guard caseRecord != nil else { return }
        actions.append(.record(text))
    }

    mutating func openCase() {
        guard caseRecord == nil || conversation.state == .survey else { return }
        conversation.currentCase = CaseRecord(id: newCaseID, openedAt: context.now)
        conversation.unansweredPrompts = 0
        conversation.toldStillWaiting = false
        (conversation.sentContactList, conversation.sentSafetyReply) = (false, false)
        openedCase = true
    }

    mutating func updateCase(_ change: (inout CaseRecord) -> Void) {
        guard var record = conversation.currentCase else { return }
        change(&record)
        conversation.currentCase = record
    }

    /// Ends her open case (she blocked us, or asked to stop); the anonymous record stays for statistics.
    /// Without an open case she simply starts again from the beginning next time.
    mutating func endCase(outcome: String) {
        guard let record = caseRecord else {
            conversation.state = .new
            return
        }
        let now = context.now
        if record.closedAt == nil {
            updateCase { record in
                record.closedAt = now
                record.outcome = outcome
            }
        }
        let closed = conversation.currentCase ?? record
        conversation.state = .closed(outcome: closed.outcome ?? outcome, referral: closed.referral)
    }

    func defaultChoice(of question: ConversationScript.Question) -> ConversationScript.Choice {
        question.choices.last { ($0.priority ?? .normal) == .normal } ?? question.choices[question.choices.count - 1]
    }

    mutating func finishSurvey(satisfaction: String?) {
        guard case .survey = conversation.state else { return }
        updateCase { $0.satisfaction = satisfaction }
        let record = conversation.currentCase
        conversation.state = .closed(outcome: record?.outcome ?? "closed", referral: record?.referral)
    }
}
