-- Fast catalogue search: a full-text vector of the folded name (words matched exactly, in any order, served by a
-- GIN index in well under a millisecond), with typo tolerance done by correcting query words against the
-- catalogue's own vocabulary before the lookup. Trigram similarity stays as the slow fallback.

-- Vietnamese writes i and y interchangeably in many syllables (kỹ/kĩ, lý/lí, quý/quí): fold y to i for matching.
create or replace function search_tokens(value text) returns text
  language sql immutable parallel safe strict
  as $$ select replace(search_fold(value), 'y', 'i') $$;

alter table procedure add column search_vector tsvector
  generated always as (to_tsvector('simple'::regconfig, search_tokens(name))) stored;
-- serves: CatalogueRepository.search (search_vector @@ to_tsquery) and the vocabulary for typo correction.
create index procedure_search_vector on procedure using gin (search_vector);
