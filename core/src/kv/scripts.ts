/**
 * INCRBY and, when the counter has no expiry yet, EXPIRE: one atomic round trip on every Redis
 * version (EXPIRE ... NX needs Redis 7) and on Upstash.
 */
export const INCR_WITH_TTL = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`;
