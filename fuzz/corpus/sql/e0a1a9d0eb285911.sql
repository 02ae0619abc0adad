SELECT Country, count(*) FROM nested GROUP BY Country
