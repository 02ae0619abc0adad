SELECT Country, count(*) FROM nested VERSION AS OF 2 GROUP BY Country
