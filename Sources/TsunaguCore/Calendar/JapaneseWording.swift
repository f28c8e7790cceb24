/// How times read in her messages: 「12月1日(火) 10:00」. Japan time, no year (always within the year ahead).
public enum JapaneseWording {
    public static func dateTime(_ milliseconds: Int64) -> String {
        let time = JapanTime(milliseconds: milliseconds)
        return "\(time.date.month)月\(time.date.day)日(\(time.date.weekday.japaneseName)) " + clock(milliseconds)
    }

    /// 「17:00」: the time of day alone, for a time later today.
    public static func clock(_ milliseconds: Int64) -> String {
        let time = JapanTime(milliseconds: milliseconds)
        let minute = time.minuteOfDay % 60
        return "\(time.minuteOfDay / 60):\(minute < 10 ? "0" : "")\(minute)"
    }
}
