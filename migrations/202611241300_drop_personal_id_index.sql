-- The blind index of the identity number stays in citizen_profile.personal_id_index (written with every profile, so
-- a lookup by identity number can be added without re-reading every sealed value), but nothing looks profiles up by
-- it: accounts are never linked or merged by identity number (VNeID links by subject only), so the index that would
-- serve such a lookup is dropped until a query needs it. Runs unchanged on PostgreSQL 15+ and on PGlite.
drop index citizen_profile_personal_id_index;
