public enum TsunaguVersion { public static let current = "0.1.0" }
