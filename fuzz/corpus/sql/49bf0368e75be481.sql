WITH c AS (SELECT Country, sum(Quantity) AS q FROM sales GROUP BY Country) SELECT Country, q FROM c WHERE q > 100
