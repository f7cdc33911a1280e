// The database steps, for the run executor. Each takes Hosts and plain parameters.
export { StepError, LockTimeoutError } from './errors.js';
export { preflightSource, preflightDest, checkCompat, gatherFacts, type HostFacts, type SourceFacts, type DestFacts, type Problem } from './preflight.js';
export { backup, installScripts, newestDump, type BackupParams, type BackupResult } from './backup.js';
export { move, destDumpPath, type MoveParams, type MoveResult, type DestMove } from './move.js';
export { restore, restoreDump, dropNew, type RestoreParams, type RestoreResult, type PreparedRestore } from './restore.js';
export { runPostRestoreSql, maskParams, type PostRestoreSql, type PostSqlResult } from './post-sql.js';
export { verifyRestore, type VerifyResult } from './verify.js';
export { swapIn, dropRetired, rollback, type SwapResult, type RollbackResult } from './swap.js';
export { runCommands, type CommandItem, type CommandResult } from './post-commands.js';
export { cleanupDest, cleanupSource, type CleanupDestParams, type CleanupResult } from './cleanup.js';
export { acquireLock, lockKey, type DestLock, type LockParams } from './lock.js';
export { type PgConn, quoteIdent, quoteLiteral, newDbName, prevDbName } from './sql.js';
export { type DumpFile } from './dumps.js';
