CREATE STREAMING TABLE s AS SELECT * FROM STREAM read_kafka(bootstrapServers => '${K}', subscribe => '${T}', maxOffsetsPerTrigger => -5) WATERMARK timestamp DELAY OF INTERVAL 5 SECONDS
