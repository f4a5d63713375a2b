-- Migration 18 (PostgreSQL): people search with prefix indexes, as
-- db_sql_people_search_prefix in engine/db_audit.c. SQLite made its FTS5
-- table again with prefix indexes and filled it with the same keys; here
-- the tokens' index becomes one that answers ranges of tokens byte by
-- byte (text_pattern_ops), whatever the database's collation, so the
-- prefix of a search's last word (user_search_match: token ~>=~ p AND
-- token ~<~ p || U+10FFFF) is read from it as equal tokens are. The keys
-- and tokens stay as they are.
DROP INDEX user_search_tokens_token;
CREATE INDEX user_search_tokens_prefix ON user_search_tokens(token text_pattern_ops, rowid);
