SELECT Country, count(*) FROM nested TIMESTAMP AS OF '2024-01-01 00:00:00' GROUP BY Country
