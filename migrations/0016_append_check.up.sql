-- The append statement (Sources/SluiceCore/EventStore/EventStore.swift) runs in autocommit, one
-- statement a transaction: when its stream is gone, or lacks a partition the statement writes,
-- it raises this error, so that nothing of it (the claimed ids, the other partitions' events)
-- is kept. SQLSTATE SLGNE is Sluice's own ("stream gone").
CREATE FUNCTION sluice_append_check(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'the stream is gone, or lacks a partition written' USING ERRCODE = 'SLGNE';
    END IF;
    RETURN true;
END
$$;
