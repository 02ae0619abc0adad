SELECT get_json_object(to_json(named_struct('p', Price, 'q', Quantity)), '$.q') AS q, count(*) FROM sales GROUP BY 1 HAVING count(*) > 100
