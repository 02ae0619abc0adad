SELECT c.Country, count(s.TransactionNo) FROM countries c LEFT JOIN sales s ON c.Country = s.Country GROUP BY c.Country
