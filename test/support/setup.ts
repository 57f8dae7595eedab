// Shared Vitest setup. Keep it light: it runs in every test file.
process.env.GENLEDGER_LOG_LEVEL ??= "silent";
