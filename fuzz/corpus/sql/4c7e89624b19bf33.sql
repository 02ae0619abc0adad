SELECT year(dt), month(dt), day(dt), dayofweek(dt) FROM types
