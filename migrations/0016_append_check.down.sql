DROP FUNCTION sluice_append_check(boolean);
