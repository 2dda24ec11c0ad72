-- raw.documents.undecodable: whether the file had bytes that are not UTF-8 when it was read
-- (they are stored as U+FFFD). Only then does a U+FFFD mark damage: a page may hold a
-- U+FFFD as text, sent so by the site, and its entries load. Null for texts stored before
-- this column existed: their U+FFFD are taken as damage, as they were when loaded.
alter table raw.documents add column undecodable boolean;
